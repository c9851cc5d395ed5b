// The network options every command that talks to a target shares (conform, doctor, load): a CA file
// for private CAs. Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY alone (as k6 and curl read
// them). Kept as one small block so each command's option table can take it over as it is.
import { configureNetwork, type Network } from '../client/dispatcher.ts';
import { fromFlagOrEnv } from './args.ts';

export const NETWORK_ENV = { 'ca-file': 'ASHBY_CA_FILE' } as const;

/** node:util parseArgs specs. */
export const NETWORK_OPTIONS = {
  'ca-file': { type: 'string' },
} as const;

/** Help lines, in the commands' `--flag VALUE  text [ENV]` style; `note` qualifies the option. */
export function networkHelp(note?: string): string {
  return [
    `  --ca-file FILE               PEM CA certificate(s) to trust for the target and its storage host, in`,
    `                               addition to the system's and NODE_EXTRA_CA_CERTS [${NETWORK_ENV['ca-file']}]`,
    ...(note ? [`                               ${note}`] : []),
    'Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case) apply to every request (docs/conformance.md).',
  ].join('\n');
}

export interface NetworkFlags {
  'ca-file'?: string;
}

/** Flag > environment; configures the process's network before the command's first request. */
export function applyNetworkFlags(flags: NetworkFlags, env: NodeJS.ProcessEnv = process.env, direct: string[] = []): Network {
  const caFile = fromFlagOrEnv(flags['ca-file'], NETWORK_ENV['ca-file'], env);
  return configureNetwork({ caFile, direct, env });
}
