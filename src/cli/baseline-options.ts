// The options that compare a conform run with an earlier one: --baseline FILE (a behaviour.json or
// results.json of an earlier run), --accept-changes FILE (change ids with a reason) and --max-regression
// (latency per check, a percentage as in `load --baseline`). Files are read and checked before the run.
import { UsageError } from '../config/errors.ts';
import { compareBehaviour, withChanges } from '../behaviour/diff.ts';
import { readAcceptedChanges, readBaseline } from '../behaviour/files.ts';
import type { BehaviourRecord, RunResults } from '../results/index.ts';
import { parsePercentOption, type OptionTable } from './args.ts';

export const BASELINE_OPTIONS = {
  baseline: { type: 'string', value: 'FILE', help: 'compare with an earlier run (its behaviour.json or results.json)' },
  'accept-changes': { type: 'string', value: 'FILE', help: 'changes expected since the baseline: {"accept":[{"id","reason"}]}' },
  'max-regression': { type: 'string', value: 'P%', help: 'with --baseline: a check this much slower (and 50 ms) is a change' },
} as const satisfies OptionTable;

export const BASELINE_HELP = `With --baseline, every change of behaviour since that run (new or fixed failures, other INFO
choices, other answer shapes, codes, form fields or policy conditions, and with --max-regression a
check slower by more than that) is listed with before and after, and fails the run (exit 1) unless its
id is in --accept-changes. Checks not run to an outcome on one side (an interrupted run) are not compared.`;

export interface BaselineFlags {
  file: string;
  record: BehaviourRecord;
  accepted?: Map<string, string>;
  maxRegressionPct?: number;
}

export function readBaselineFlags(v: { baseline?: string; 'accept-changes'?: string; 'max-regression'?: string }): BaselineFlags | undefined {
  if (!v.baseline) {
    for (const name of ['accept-changes', 'max-regression'] as const) if (v[name] !== undefined) throw new UsageError(`--${name} needs --baseline FILE`);
    return undefined;
  }
  return {
    file: v.baseline,
    record: readBaseline(v.baseline),
    ...(v['accept-changes'] !== undefined ? { accepted: readAcceptedChanges(v['accept-changes']) } : {}),
    ...(v['max-regression'] !== undefined ? { maxRegressionPct: parsePercentOption('max-regression', v['max-regression']) } : {}),
  };
}

/** The run's results with its changes since the baseline. */
export function compareWithBaseline(run: RunResults, record: BehaviourRecord, b: BaselineFlags): RunResults {
  return withChanges(run, compareBehaviour(b.record, record, b.file, { maxRegressionPct: b.maxRegressionPct, accepted: b.accepted }));
}
