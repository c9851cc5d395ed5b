// `upload-harness doctor`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/doctor.ts, is imported when the command runs).
import { NETWORK_OPTIONS, PROXY_HELP } from './network-option-table.ts';
import { TARGET_OPTIONS } from './target-options.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

/** Every option of `doctor`: conform's target options (format: src/cli/option-table.ts), worded for a check. */
export const OPTIONS = {
  ...TARGET_OPTIONS,
  target: { ...TARGET_OPTIONS.target, help: 'default: the embedded mock' },
  'limited-api-key': { ...TARGET_OPTIONS['limited-api-key'], help: 'key WITHOUT candidatesWrite' },
  'candidate-id': { ...TARGET_OPTIONS['candidate-id'], help: '' },
  'job-posting-id': { ...TARGET_OPTIONS['job-posting-id'], help: '' },
  'allow-writes': { ...TARGET_OPTIONS['allow-writes'], help: 'conform may create records' },
  slow: { ...TARGET_OPTIONS.slow, help: 'conform may wait out the 10-minute expiry' },
  json: { type: 'boolean', help: 'print the findings as JSON' },
  ...NETWORK_OPTIONS,
} as const satisfies OptionTable;

export const HELP = `upload-harness doctor [options]

Checks a target before a run: is it reachable, are the keys valid and do they have the permissions the
checks need (apiKey.info when the key may call it, else a file.createFileUploadHandle probe), which
optional ids are set, is k6 available (K6_BIN or PATH), and what each conformance check group will run
or skip and why, and which proxy the API host and the storage host are reached through.

Options (each also from the environment variable in brackets, as for conform; flags win):
${optionsHelp(OPTIONS)}

${PROXY_HELP}

Exit codes: 0 the target is usable, 2 it is not (or a usage error).

Examples:
  upload-harness doctor
  ASHBY_API_KEY=... upload-harness doctor --target https://api.ashbyhq.com --candidate-id 6f1c...`;
