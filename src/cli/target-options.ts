// The target options `conform` and `doctor` share (format: src/cli/option-table.ts), with the environment
// variables of src/conformance/config.ts, so a doctor run predicts the conform run with the same
// environment.
import { CONFORM_ENV } from '../conformance/config.ts';
import type { OptionTable } from './option-table.ts';

export const TARGET_OPTIONS = {
  target: { type: 'string', value: 'mock|<base-url>', env: CONFORM_ENV.target, help: 'target; default: the embedded mock on an ephemeral port' },
  'api-key': { type: 'string', value: 'K', env: CONFORM_ENV['api-key'], help: 'key with candidatesWrite (required for a real target)' },
  'limited-api-key': { type: 'string', value: 'K', env: CONFORM_ENV['limited-api-key'], help: 'key WITHOUT candidatesWrite, for the 403 checks' },
  'other-org-api-key': { type: 'string', value: 'K', env: CONFORM_ENV['other-org-api-key'], help: 'key of another organisation' },
  'candidate-id': { type: 'string', value: 'ID', env: CONFORM_ENV['candidate-id'], help: 'candidate to attach uploads to' },
  'job-posting-id': { type: 'string', value: 'ID', env: CONFORM_ENV['job-posting-id'], help: 'posting with a File field, for applicationForm.submit' },
  'allow-writes': { type: 'boolean', env: CONFORM_ENV['allow-writes'], help: 'may create candidates (and other records) on the target' },
  slow: { type: 'boolean', env: CONFORM_ENV.slow, help: 'wait out the real 10-minute URL expiry on a real target' },
  timeout: { type: 'string', value: 'DURATION', env: CONFORM_ENV.timeout, help: 'per-request timeout, default 15s' },
  json: { type: 'boolean', env: CONFORM_ENV.json, help: 'print results.json to stdout (progress goes to stderr)' },
} as const satisfies OptionTable;
