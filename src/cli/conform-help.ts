// `upload-harness conform`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/conform.ts, is imported when the command runs).
import { GROUPS } from '../conformance/catalogue.ts';
import { CONFORM_ENV } from '../conformance/config.ts';
import { NETWORK_OPTIONS, PROXY_HELP } from './network-option-table.ts';
import { TARGET_OPTIONS } from './target-options.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

/** Every option of `conform` (format: src/cli/option-table.ts). */
export const OPTIONS = {
  ...TARGET_OPTIONS,
  strict: { type: 'boolean', env: CONFORM_ENV.strict, help: 'SHOULD failures fail the run (exit 1)' },
  only: { type: 'string', value: '<group,...>', env: CONFORM_ENV.only, help: `groups: ${GROUPS.join(', ')}` },
  'report-dir': { type: 'string', value: 'DIR', env: CONFORM_ENV['report-dir'], help: 'default reports/conformance' },
  ...NETWORK_OPTIONS,
} as const satisfies OptionTable;

export const HELP = `upload-harness conform [options]

Runs the conformance checks (docs/conformance.md) against a target and writes
<report-dir>/{index.html,junit.xml,results.json}.

Options (each also from the environment variable in brackets; flags win):
${optionsHelp(OPTIONS)}

${PROXY_HELP}

Checks that need what the target lacks are skipped with the reason (never passed).
Exit codes: 0 pass, 1 a MUST failed (or a SHOULD with --strict), 2 usage or harness error, or
interrupted (Ctrl-C or SIGTERM at any moment: a partial report is written, unrun checks skipped).
Levels: MUST and SHOULD checks can fail; INFO checks record what the target chose and never fail — an
answer outside the documented classes that an INFO check meets fails envelope.no-server-error instead,
naming the INFO check.

Examples:
  upload-harness conform
  ASHBY_API_KEY=... upload-harness conform --target https://api.ashbyhq.com --candidate-id 6f1c... --strict`;
