// `upload-harness verify-client`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/verify-client.ts, is imported when the command runs).
import { ROBUSTNESS_FAULT_NAMES } from '../verify/robustness.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

export const DEFAULT_CLIENT_REPORT_DIR = 'reports/client';

/** Every option of `verify-client` (format: src/cli/option-table.ts); the command under test follows `--`. */
export const OPTIONS = {
  port: { type: 'string', value: 'N', help: 'port for the mock (default: any free port); with --print-env: the port of\na mock you started yourself (default 4010)' },
  'report-dir': { type: 'string', value: 'DIR', default: DEFAULT_CLIENT_REPORT_DIR, help: 'where the report folder is written' },
  strict: { type: 'boolean', help: 'SHOULD violations fail the run too' },
  'min-flows': { type: 'string', value: 'N', default: 1, help: 'fewest complete flows (a handle, then an upload the storage accepted) that must\nbe seen; fewer fails the run, naming why each flow is incomplete' },
  robustness: { type: 'string', value: '[=LIST]', help: `after the clean run, run the command again once per fault (each on a fresh\nmock, the fault injected at the first request it applies to) and judge each\ncase on its own; a fault the command never reaches fails its case. LIST is\ncomma-separated from: ${ROBUSTNESS_FAULT_NAMES.join(', ')} (default: all)` },
  'storage-cors': { type: 'string', value: 'ORIGINS', default: '*', help: "the storage bucket's CORS rule for browser clients: * (any origin), none (S3's\ndefault: no CORS, a cross-origin browser upload fails), or origins, comma-separated" },
  profile: { type: 'string', value: 'FILE', help: 'the mock answers like an observed target where the docs leave the behaviour\nopen: the behaviour.json of a conform run, or a profile file' },
  'print-env': { type: 'boolean', help: 'print the variables (export lines) for a mock on 127.0.0.1:--port, then exit' },
} as const satisfies OptionTable;

export const HELP = `upload-harness verify-client: judge YOUR upload code against the mock

Usage: upload-harness verify-client [options] -- <command> [args…]

Starts the mock on 127.0.0.1, runs <command> with these variables set (stdin/stdout/stderr passed
through): ASHBY_BASE_URL, ASHBY_API_KEY (full access), ASHBY_LIMITED_API_KEY, ASHBY_JOB_POSTING_ID,
ASHBY_CANDIDATE_ID (a candidate created for the run). Every request is recorded, grouped into flows
(handle → storage POST → follow-up) and judged against the client rules (docs/verify-client.md).
Writes <report-dir>/{index.html,junit.xml,results.json}.

Options:
${optionsHelp(OPTIONS)}

Exit codes: 0 all flows conform and the command exited 0; 1 a rule broken, fewer complete flows than
--min-flows, a robustness case failed (misbehaved, or its fault never exercised), the command failed
(its code is printed and kept in results.json); 2 harness error (also a --report-dir that cannot be
written, found before the run), or the run was interrupted (report written, marked incomplete).

Examples:
  upload-harness verify-client -- bash examples/clients/upload.sh
  upload-harness verify-client --strict --robustness -- node examples/clients/upload-fetch.mjs
  upload-harness verify-client --storage-cors none -- node my-browser-upload-test.mjs
  upload-harness verify-client --print-env --port 4010`;
