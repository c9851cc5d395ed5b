// Merges results JSONs of several processes/machines (k6 segments, node instances) into one: counts are
// summed, latency statistics recomputed from the merged HDR histograms (never averaged), per-second
// buckets aligned on absolute unix seconds. Thresholds are re-evaluated by the caller.
import { encodeHistogram, latencyStats, mergeHistograms, percentileMs, type LoadResults, type SecondBucket, type SecondStage, type StageName, type StageSummary } from '../results/index.ts';
import { round3 } from './recorder.ts';
import { UsageError } from '../config/errors.ts';

function mergeStage(parts: readonly (StageSummary | undefined)[]): StageSummary | undefined {
  const present = parts.filter((p): p is StageSummary => p !== undefined);
  if (present.length === 0) return undefined;
  const h = mergeHistograms(present.map((p) => p.histogram));
  return {
    count: present.reduce((a, p) => a + p.count, 0),
    errors: present.reduce((a, p) => a + p.errors, 0),
    bytesSent: present.reduce((a, p) => a + p.bytesSent, 0),
    bytesReceived: present.reduce((a, p) => a + p.bytesReceived, 0),
    // Exact extremes are kept per part (a decoded histogram only knows its bucket bounds).
    latencyMs: { ...latencyStats(h), min: Math.min(...present.map((p) => p.latencyMs.min)), max: Math.max(...present.map((p) => p.latencyMs.max)) },
    histogram: encodeHistogram(h),
  };
}

function mergeSecondStage(parts: readonly SecondStage[]): SecondStage {
  const h = mergeHistograms(parts.map((p) => p.histogram));
  return {
    count: parts.reduce((a, p) => a + p.count, 0),
    errors: parts.reduce((a, p) => a + p.errors, 0),
    p50: percentileMs(h, 50),
    p90: percentileMs(h, 90),
    p95: percentileMs(h, 95),
    p99: percentileMs(h, 99),
    histogram: encodeHistogram(h),
  };
}

export function mergeResults(inputs: readonly LoadResults[]): LoadResults {
  if (inputs.length === 0) throw new UsageError('report merge needs at least one results.json');
  const first = inputs[0]!;
  const scenarios = new Set(inputs.map((r) => r.scenario));
  if (scenarios.size > 1) throw new UsageError(`cannot merge runs of different scenarios: ${[...scenarios].join(', ')}`);
  const sum = (f: (r: LoadResults) => number) => inputs.reduce((a, r) => a + f(r), 0);
  const stageNames = [...new Set(inputs.flatMap((r) => Object.keys(r.stages)))] as StageName[];
  const stages: Partial<Record<StageName, StageSummary>> = {};
  for (const s of stageNames) stages[s] = mergeStage(inputs.map((r) => r.stages[s]));

  const buckets = new Map<number, SecondBucket[]>();
  for (const r of inputs) for (const b of r.series) (buckets.get(b.t) ?? buckets.set(b.t, []).get(b.t)!).push(b);
  const series = [...buckets.keys()].sort((a, b) => a - b).map((t): SecondBucket => {
    const bs = buckets.get(t)!;
    const s = (f: (b: SecondBucket) => number) => bs.reduce((a, b) => a + f(b), 0);
    const names = [...new Set(bs.flatMap((b) => Object.keys(b.stages)))] as StageName[];
    return {
      t,
      started: s((b) => b.started),
      completed: s((b) => b.completed),
      failed: s((b) => b.failed),
      dropped: s((b) => b.dropped),
      httpReqs: s((b) => b.httpReqs),
      httpFailed: s((b) => b.httpFailed),
      bytesSent: s((b) => b.bytesSent),
      bytesReceived: s((b) => b.bytesReceived),
      stages: Object.fromEntries(names.map((n) => [n, mergeSecondStage(bs.map((b) => b.stages[n]).filter((x): x is SecondStage => x !== undefined))])),
    };
  });

  // Concurrent instances share the wall-clock window: the merged window spans first start to last end.
  const start = Math.min(...inputs.map((r) => Date.parse(r.run.startedAt)));
  const end = Math.max(...inputs.map((r) => Date.parse(r.run.finishedAt)));
  const durationMs = Math.max(...inputs.map((r) => r.run.durationMs));
  const errors: Record<string, number> = {};
  for (const r of inputs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const iterations = sum((r) => r.totals.iterations);
  return {
    ...first,
    engine: first.engine,
    target: [...new Set(inputs.map((r) => r.target))].join(', '),
    run: {
      ...first.run,
      startedAt: new Date(start).toISOString(),
      finishedAt: new Date(end).toISOString(),
      durationMs,
      instances: inputs.flatMap((r, i) => r.run.instances.map((id) => (inputs.length > 1 ? `${i}:${id}` : id))),
    },
    totals: {
      iterations,
      iterationsFailed: sum((r) => r.totals.iterationsFailed),
      droppedIterations: sum((r) => r.totals.droppedIterations),
      httpReqs: sum((r) => r.totals.httpReqs),
      httpReqFailed: sum((r) => r.totals.httpReqFailed),
      checksPassed: sum((r) => r.totals.checksPassed),
      checksFailed: sum((r) => r.totals.checksFailed),
      bytesSent: sum((r) => r.totals.bytesSent),
      bytesReceived: sum((r) => r.totals.bytesReceived),
      achievedRate: round3(iterations / (durationMs / 1000 || 1)),
    },
    stages,
    http: mergeStage(inputs.map((r) => r.http))!,
    iteration: mergeStage(inputs.map((r) => r.iteration))!,
    series,
    errors,
    thresholds: [],
    baseline: undefined,
  };
}
