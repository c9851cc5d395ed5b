// `upload-harness drift`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/drift.ts, is imported when the command runs).
import { GROUPS } from '../conformance/catalogue.ts';
import { CONFORM_ENV } from '../conformance/config.ts';
import { NETWORK_OPTIONS, PROXY_HELP } from './network-option-table.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';
import { TARGET_OPTIONS } from './target-options.ts';

export const OPTIONS = {
  ...TARGET_OPTIONS,
  target: { type: 'string', value: '<base-url>', env: CONFORM_ENV.target, help: 'the API to compare the mock with (required)' },
  only: { type: 'string', value: '<group,...>', env: CONFORM_ENV.only, help: `groups: ${GROUPS.join(', ')}` },
  'report-dir': { type: 'string', value: 'DIR', help: 'default reports/drift' },
  profile: { type: 'string', value: 'FILE', help: 'the mock answers with this profile (a behaviour.json of a conform run or a profile file; docs/regressions.md)' },
  ...NETWORK_OPTIONS,
} as const satisfies OptionTable;

export const HELP = `upload-harness drift --target <base-url> [options]

Runs the conformance probes against the embedded mock and against the target, and lists every
behaviour in which they differ (docs/regressions.md): one difference per behaviour, however many checks
show it, each saying whether the mock or the target follows the documented rule, or that the docs leave
it open. Writes <report-dir>/{index.html,junit.xml,results.json}. Checks not run to an outcome on
both sides (a check the target's configuration skips) are not compared; latency is not compared.
With --profile the mock first adopts a target's open choices (a profiled mock should show no drift
against the target it was profiled from); the report names the profile.

Options (each also from the environment variable in brackets; flags win):
${optionsHelp(OPTIONS)}

${PROXY_HELP}

Exit codes: 0 no difference, 1 the mock and the target differ, 2 usage or harness error, or interrupted.

Examples:
  ASHBY_API_KEY=... upload-harness drift --target https://api.ashbyhq.com --candidate-id 6f1c...`;

