// Reading the options that compare a conform run with an earlier one (baseline-option-table.ts):
// --baseline FILE (a behaviour.json or results.json of an earlier run), --accept-changes FILE (change
// ids with a reason) and --max-regression (latency per check, a percentage as in `load --baseline`).
// Files are read and checked before the run.
import { UsageError } from '../config/errors.ts';
import { compareBehaviour, withChanges } from '../behaviour/diff.ts';
import { readAcceptedChanges, readBaseline } from '../behaviour/files.ts';
import type { BehaviourRecord, RunResults } from '../results/index.ts';
import { parsePercentOption } from './args.ts';

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
