// Thresholds in k6 syntax (`handle_create_duration: p(95)<300`, `http_req_failed: rate<0.01`,
// `checks: rate>0.99`, `iterations: count>100`, avg/min/max/med), evaluated against the results JSON, so
// both engines and merged runs are judged by one implementation. A failed threshold → exit 99 (as k6).
import { decodeHistogram, percentileMs, type LoadResults, type StageName, type StageSummary, type ThresholdOutcome } from '../results/index.ts';
import { ThresholdError } from './threshold-error.ts';

export { ThresholdError };

type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' | { p: number };
type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  metric: string;
  /** The metric name without a `{tag:value}` selector. */
  base: string;
  tags: Record<string, string>;
  expression: string;
  aggregation: Aggregation;
  op: Operator;
  value: number;
}

const SERVICE_TRENDS = ['handle_create_duration', 'upload_duration', 'attach_duration', 'http_req_duration', 'iteration_duration'];
/** Latency from the intended start (node engine, results.intended): `<trend>_duration_intended`. */
export const INTENDED_SUFFIX = '_intended';
const INTENDED_METRICS = ['handle_create_duration', 'upload_duration', 'attach_duration', 'iteration_duration'].map((m) => `${m}${INTENDED_SUFFIX}`);
const TREND_METRICS = [...SERVICE_TRENDS, ...INTENDED_METRICS];
const RATE_METRICS = ['http_req_failed', 'checks'];
const COUNTER_METRICS = ['iterations', 'dropped_iterations', 'http_reqs', 'data_sent', 'data_received'];
const KNOWN_METRICS = [...TREND_METRICS, ...RATE_METRICS, ...COUNTER_METRICS];

const STAGE_OF_TREND: Record<string, StageName> = { handle_create_duration: 'handle_create', upload_duration: 'upload', attach_duration: 'attach' };
const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** `metric:expr[,expr…]` (one CLI --threshold) → one Threshold per expression. */
export function parseThresholdFlag(text: string): Threshold[] {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\{[^}]*\})?)\s*:\s*(.+)$/.exec(text);
  if (!m) throw new ThresholdError(`threshold "${text}" must look like 'metric:expression', e.g. 'http_req_failed:rate<0.01'`);
  return m[2]!.split(',').map((e) => parseThreshold(m[1]!, e));
}

export function parseThreshold(metric: string, expression: string): Threshold {
  const sel = /^([a-zA-Z_][a-zA-Z0-9_]*)(?:\{([^}]*)\})?$/.exec(metric.trim());
  if (!sel) throw new ThresholdError(`threshold metric "${metric}" is not a metric name`);
  const base = sel[1]!;
  if (!KNOWN_METRICS.includes(base)) throw new ThresholdError(`unknown metric "${base}" in threshold (known: ${KNOWN_METRICS.join(', ')})`);
  const tags: Record<string, string> = {};
  for (const pair of (sel[2] ?? '').split(',').filter((s) => s.trim() !== '')) {
    const [k, v] = pair.split(':').map((s) => s.trim());
    if (!k || v === undefined || v === '') throw new ThresholdError(`threshold selector "{${sel[2]}}" must be {tag:value}`);
    if (k !== 'stage') throw new ThresholdError(`threshold selector tag "${k}" is not supported (only {stage:…})`);
    tags[k] = v;
  }
  const e = EXPR.exec(expression);
  if (!e) throw new ThresholdError(`threshold expression "${expression.trim()}" must look like p(95)<300, avg<200, rate<0.01, count>100`);
  const aggregation: Aggregation = e[2] !== undefined ? { p: Number(e[2]) } : (e[1] as Aggregation);
  if (typeof aggregation === 'object' && (aggregation.p < 0 || aggregation.p > 100)) throw new ThresholdError(`percentile in "${expression.trim()}" must be 0..100`);
  const allowed = TREND_METRICS.includes(base) ? ['avg', 'min', 'max', 'med', 'count', 'p'] : RATE_METRICS.includes(base) ? ['rate'] : ['count', 'rate'];
  const aggName = typeof aggregation === 'object' ? 'p' : aggregation;
  if (!allowed.includes(aggName)) throw new ThresholdError(`"${aggName === 'p' ? e[1] : aggName}" does not apply to ${base} (use ${allowed.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')})`);
  return { metric: metric.trim(), base, tags, expression: expression.trim(), aggregation, op: e[3] as Operator, value: Number(e[4]) };
}

function compare(actual: number, op: Operator, value: number): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==': case '===': return actual === value;
    case '!=': return actual !== value;
  }
}

function trendSource(results: LoadResults, t: Threshold): StageSummary | undefined {
  const intended = t.base.endsWith(INTENDED_SUFFIX);
  const base = intended ? t.base.slice(0, -INTENDED_SUFFIX.length) : t.base;
  const stage = STAGE_OF_TREND[base] ?? (t.tags.stage as StageName | undefined);
  if (intended) return base === 'iteration_duration' && !stage ? results.intended?.iteration : stage ? results.intended?.stages[stage] : undefined;
  if (base === 'iteration_duration') return results.iteration;
  if (stage) return results.stages[stage];
  return results.http;
}

/** The observed value for a threshold, or null when the metric has no samples (k6 then fails it too). */
function observe(results: LoadResults, t: Threshold): number | null {
  const durationS = results.run.durationMs / 1000 || 1;
  const agg = t.aggregation;
  if (TREND_METRICS.includes(t.base)) {
    const s = trendSource(results, t);
    if (!s || s.count === 0) return null;
    // Held within the exact extremes the results keep, as their own percentiles are (histogram.ts latencyStats).
    if (typeof agg === 'object') return Math.min(s.latencyMs.max, Math.max(s.latencyMs.min, percentileMs(decodeHistogram(s.histogram), agg.p)));
    if (agg === 'count') return s.count;
    return { avg: s.latencyMs.avg, min: s.latencyMs.min, max: s.latencyMs.max, med: s.latencyMs.med }[agg as 'avg'] ?? null;
  }
  const stage = t.tags.stage as StageName | undefined;
  const scope = stage ? results.stages[stage] : results.http;
  if (t.base === 'http_req_failed') return scope && scope.count > 0 ? scope.errors / scope.count : null;
  if (t.base === 'checks') {
    if (stage) return scope && scope.count > 0 ? (scope.count - scope.errors) / scope.count : null;
    const total = results.totals.checksPassed + results.totals.checksFailed;
    return total > 0 ? results.totals.checksPassed / total : null;
  }
  const counts: Record<string, number> = {
    iterations: results.totals.iterations,
    dropped_iterations: results.totals.droppedIterations,
    http_reqs: scope?.count ?? 0,
    data_sent: scope?.bytesSent ?? 0,
    data_received: scope?.bytesReceived ?? 0,
  };
  const count = counts[t.base]!;
  return agg === 'rate' ? count / durationS : count;
}

export function evaluateThresholds(results: LoadResults, thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const actual = observe(results, t);
    const ok = actual !== null && compare(actual, t.op, t.value);
    const shown = actual === null ? 'no samples' : `${formatNumber(actual)}`;
    return { metric: t.metric, expression: t.expression, ok, actual, message: `${t.metric} ${t.expression}: ${ok ? 'passed' : 'FAILED'} (observed ${shown})` };
  });
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

/** k6 `options.thresholds` object for the same thresholds (passed to k6 so it also exits 99 itself). */
export function toK6Thresholds(thresholds: readonly Threshold[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of thresholds) (out[t.metric] ??= []).push(t.expression);
  return out;
}
