// `upload-harness mock`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/mock.ts, is imported when the command runs).
import { STORAGE_CAPS } from '../mock/storage/object-store.ts';
import { formatSize } from '../../scenarios/flows/mix.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

/** Every option of `mock` (format: src/cli/option-table.ts). */
export const OPTIONS = {
  port: { type: 'string', value: 'N', default: 4010, help: 'port to listen on; 0 = any free port' },
  host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to bind; non-loopback hosts print a warning' },
  'upload-ttl': { type: 'string', value: 'DURATION', default: '10m', help: 'lifetime of presigned upload URLs, as documented' },
  fault: { type: 'string', multiple: true, value: 'NAME[=VALUE]', help: 'enable a fault mode (repeatable); see --list-faults' },
  keys: { type: 'string', value: 'FILE', help: 'JSON array of {key, title, organizationId, permissions} replacing the default keys' },
  'storage-dir': { type: 'string', value: 'DIR', help: 'where uploaded objects are stored (default: a fresh temp dir)' },
  'storage-max-objects': { type: 'string', value: 'N', default: STORAGE_CAPS.maxObjects, help: 'most objects kept; beyond it the oldest are evicted' },
  'storage-max-bytes': { type: 'string', value: 'SIZE', default: formatSize(STORAGE_CAPS.maxBytes), help: 'most bytes kept, e.g. 512MiB or 2GiB; oldest evicted first' },
  'storage-cors': { type: 'string', value: 'ORIGINS', default: '*', help: "the bucket's CORS rule for browser uploads: * (any origin), none (S3's default:\nno CORS, so a page on another origin cannot read the upload's answer), or\norigins, comma-separated (http://localhost:3000,https://app.example.com)" },
  profile: { type: 'string', value: 'FILE', help: 'answer like an observed target where the docs leave the behaviour open: a\nbehaviour.json of a conform run against it, or a profile file\n(docs/regressions.md); documented rules are never relaxed' },
  'enable-test-control': { type: 'boolean', help: 'expose /_control/{clock,faults,reset,calls} (no auth; tests only)' },
  'list-faults': { type: 'boolean', help: 'print every fault mode with the rule it breaks, then exit' },
  'client-report': { type: 'string', value: 'DIR', help: 'record and judge the clients that use this mock (like verify-client) and write\nDIR/{index.html,junit.xml,results.json} when it stops (SIGINT/SIGTERM)' },
} as const satisfies OptionTable;

export const HELP = `upload-harness mock: a local stand-in for Ashby's API and its S3 upload storage

Usage: upload-harness mock [options]

Options:
${optionsHelp(OPTIONS)}

Examples:
  upload-harness mock
  upload-harness mock --port 0 --upload-ttl 2s --enable-test-control
  upload-harness mock --fault no-auth-check --fault latency=50
  upload-harness mock --keys ./keys.json --storage-dir ./mock-data
  upload-harness mock --profile reports/nightly/behaviour.json
  upload-harness mock --client-report reports/client`;
