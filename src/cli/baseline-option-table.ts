// The options that compare a conform run with an earlier one, and their --help paragraph (no
// dependencies: --help loads only this; the parsing is src/cli/baseline-options.ts).
import type { OptionTable } from './option-table.ts';

export const BASELINE_OPTIONS = {
  baseline: { type: 'string', value: 'FILE', help: 'compare with an earlier run (its behaviour.json or results.json)' },
  'accept-changes': { type: 'string', value: 'FILE', help: 'changes expected since the baseline: {"accept":[{"id","reason"}]}' },
  'max-regression': { type: 'string', value: 'P%', help: 'with --baseline: a check this much slower (and 50 ms) is a change' },
  har: { type: 'string', value: 'FILE', help: 'also write the exchanges (redacted) as HAR 1.2' },
} as const satisfies OptionTable;

export const BASELINE_HELP = `With --baseline, every change of behaviour since that run (new or fixed failures, other INFO
choices, other answer shapes, codes, form fields or policy conditions, and with --max-regression a
check slower by more than that) is listed with before and after, and fails the run (exit 1) unless its
id is in --accept-changes. Checks not run to an outcome on one side (an interrupted run) are not compared.`;
