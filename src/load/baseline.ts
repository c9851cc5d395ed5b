// Baseline comparison: the current run against an earlier results.json, metric by metric, with the
// relative delta. A regression beyond --max-regression fails the run (exit 99, like a threshold).
import { STAGE_NAMES, type BaselineComparison, type BaselineRow, type LoadResults } from '../results/index.ts';

/** Error rates are compared with this absolute floor so 0 → 0.0001 is not an "infinite" regression. */
const ERROR_RATE_FLOOR = 0.001;

export function compareWithBaseline(current: LoadResults, baseline: LoadResults, file: string, maxRegressionPct: number): BaselineComparison {
  const rows: BaselineRow[] = [];
  const add = (metric: string, b: number, c: number, higherIsWorse: boolean, floor = 0) => {
    const deltaPct = b === 0 ? (c === 0 ? 0 : 100) : ((c - b) / b) * 100;
    const worse = higherIsWorse ? c - b : b - c;
    const regression = worse > floor && (higherIsWorse ? deltaPct : -deltaPct) > maxRegressionPct;
    rows.push({ metric, baseline: b, current: c, deltaPct: Math.round(deltaPct * 10) / 10, regression });
  };
  for (const stage of STAGE_NAMES) {
    const b = baseline.stages[stage];
    const c = current.stages[stage];
    if (!b || !c || stage === 'setup') continue;
    add(`${stage} p50 (ms)`, b.latencyMs.med, c.latencyMs.med, true);
    add(`${stage} p95 (ms)`, b.latencyMs.p95, c.latencyMs.p95, true);
    add(`${stage} p99 (ms)`, b.latencyMs.p99, c.latencyMs.p99, true);
  }
  add('achieved rate (it/s)', baseline.totals.achievedRate, current.totals.achievedRate, false);
  const rate = (r: LoadResults) => (r.totals.httpReqs ? r.totals.httpReqFailed / r.totals.httpReqs : 0);
  add('http error rate', rate(baseline), rate(current), true, ERROR_RATE_FLOOR);
  return { file, maxRegressionPct, rows, ok: rows.every((r) => !r.regression) };
}
