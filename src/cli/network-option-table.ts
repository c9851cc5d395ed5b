// The network options every command that talks to a target shares (conform, doctor, load): a CA file
// for private CAs (format: src/cli/option-table.ts). Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// alone (as k6 and curl read them), so they are prose in each --help, not options.
import type { OptionTable } from './option-table.ts';

export const NETWORK_OPTIONS = {
  'ca-file': {
    type: 'string',
    value: 'FILE',
    env: 'ASHBY_CA_FILE',
    help: "PEM CA certificate(s) to trust for the target and its storage host,\nin addition to the system's and NODE_EXTRA_CA_CERTS",
  },
} as const satisfies OptionTable;

/** The help paragraph on proxies, shared by every command that has NETWORK_OPTIONS. */
export const PROXY_HELP = 'Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case) apply to every request (docs/conformance.md).';
