// Merges results JSONs of several processes/machines (k6 segments, node instances) into one: counts are
// summed, latency statistics recomputed from the merged HDR histograms (never averaged), per-second
// buckets aligned on absolute unix seconds. Thresholds are re-evaluated by the caller on the merged
// histograms and counters. Only runs that can be merged honestly are: one scenario, one threshold set,
// execution segments that do not overlap (missing ones are reported, not invented).
import { encodeHistogram, latencyStats, mergeHistograms, percentileMs, type IncompleteRun, type IntendedLatency, type LoadResults, type SecondBucket, type SecondStage, type StageName, type StageSummary } from '../results/index.ts';
import { round3 } from './recorder.ts';
import { parseThresholdFlag } from './thresholds.ts';
import { UsageError } from '../config/errors.ts';

/** An execution segment as a half-open interval of the whole run, [from, to). */
interface Segment {
  from: number;
  to: number;
  text: string;
}

const EPS = 1e-9;

function fraction(text: string): number {
  const [n, d] = text.split('/');
  const value = d === undefined ? Number(n) : Number(n) / Number(d);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`execution segment bound "${text}" is not a fraction of the run between 0 and 1`);
  return value;
}

/** `0:1/4` or a merged file's `0:1/4,1/4:2/4` → intervals. */
function parseSegments(text: string): Segment[] {
  return text.split(',').map((part) => {
    const [a, b] = part.trim().split(':');
    if (a === undefined || b === undefined) throw new UsageError(`execution segment "${part}" must look like 0:1/4`);
    const seg = { from: fraction(a), to: fraction(b), text: part.trim() };
    if (seg.to <= seg.from) throw new UsageError(`execution segment "${part}" is empty`);
    return seg;
  });
}

const formatPoint = (x: number): string => {
  for (let d = 1; d <= 1000; d++) if (Math.abs(Math.round(x * d) - x * d) < EPS * d) return Math.round(x * d) === 0 ? '0' : d === 1 ? String(Math.round(x)) : `${Math.round(x * d)}/${d}`;
  return String(x);
};

export interface MergeCheck {
  /** Things the merged report should say (missing segments). */
  notes: string[];
  /** The execution segments the merged run covers (undefined when the parts are unsegmented or cover the whole run). */
  executionSegment?: string;
}

/**
 * Refuses (UsageError, exit 2) inputs that cannot be merged honestly; `names` label the inputs in
 * messages (file names). Unsegmented runs are independent instances (several machines each at the
 * full rate) and merge as such; segmented and unsegmented runs do not mix.
 */
export function checkMergeable(inputs: readonly LoadResults[], names: readonly string[] = inputs.map((_, i) => `input ${i + 1}`)): MergeCheck {
  const scenarios = new Set(inputs.map((r) => r.scenario));
  if (scenarios.size > 1) throw new UsageError(`cannot merge runs of different scenarios: ${[...scenarios].join(', ')}`);
  const sets = inputs.map((r) => thresholdSet(r.options.thresholds));
  const differs = sets.findIndex((s) => s !== sets[0]);
  if (differs > 0) throw new UsageError(`cannot merge runs with different threshold sets: ${names[0]} has [${sets[0] || 'none'}], ${names[differs]} has [${sets[differs] || 'none'}]`);
  const segmented = inputs.map((r) => r.options.executionSegment !== undefined);
  if (!segmented.some(Boolean)) return { notes: [] };
  const unsegmented = segmented.indexOf(false);
  if (unsegmented >= 0) throw new UsageError(`cannot merge segmented and unsegmented runs: ${names[unsegmented]} has no execution segment`);
  const segs = inputs.flatMap((r, i) => parseSegments(r.options.executionSegment!).map((s) => ({ ...s, owner: names[i]! }))).sort((a, b) => a.from - b.from);
  const gaps: string[] = [];
  let covered = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (i > 0 && s.from < segs[i - 1]!.to - EPS) throw new UsageError(`cannot merge overlapping execution segments: ${segs[i - 1]!.text} (${segs[i - 1]!.owner}) and ${s.text} (${s.owner})`);
    if (s.from > covered + EPS) gaps.push(`${formatPoint(covered)}:${formatPoint(s.from)}`);
    covered = Math.max(covered, s.to);
  }
  if (covered < 1 - EPS) gaps.push(`${formatPoint(covered)}:1`);
  if (gaps.length === 0) return { notes: [] };
  return {
    notes: [`execution segments missing: ${gaps.join(', ')} (the merged run covers ${segs.map((s) => s.text).join(', ')} only; counts and rates are of those segments)`],
    executionSegment: segs.map((s) => s.text).join(','),
  };
}

/** The thresholds as a canonical, order-free set (`metric:expr` per expression, sorted). */
function thresholdSet(specs: readonly string[]): string {
  try {
    return [...new Set(specs.flatMap(parseThresholdFlag).map((t) => `${t.metric}:${t.expression}`))].sort().join(', ');
  } catch (err) {
    throw new UsageError(`a results file holds a threshold this version cannot read: ${(err as Error).message}`);
  }
}

function mergeStages(parts: readonly (Partial<Record<StageName, StageSummary>> | undefined)[]): Partial<Record<StageName, StageSummary>> {
  const names = [...new Set(parts.flatMap((p) => Object.keys(p ?? {})))] as StageName[];
  const out: Partial<Record<StageName, StageSummary>> = {};
  for (const s of names) out[s] = mergeStage(parts.map((p) => p?.[s]));
  return out;
}

/** Intended-start latencies merge only when every part has them (else their counts would not match). */
function mergeIntended(inputs: readonly LoadResults[]): IntendedLatency | undefined {
  if (!inputs.every((r) => r.intended)) return undefined;
  return { iteration: mergeStage(inputs.map((r) => r.intended!.iteration))!, stages: mergeStages(inputs.map((r) => r.intended!.stages)) };
}

function mergeIncomplete(inputs: readonly LoadResults[]): IncompleteRun | undefined {
  const parts = inputs.map((r) => r.run.incomplete).filter((x): x is IncompleteRun => x !== undefined);
  if (parts.length === 0) return undefined;
  return {
    signal: parts[0]!.signal,
    aborted: parts.some((p) => p.aborted),
    plannedDurationMs: Math.max(...parts.map((p) => p.plannedDurationMs)),
    actualDurationMs: Math.max(...parts.map((p) => p.actualDurationMs)),
  };
}

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

export function mergeResults(inputs: readonly LoadResults[], names?: readonly string[]): LoadResults {
  if (inputs.length === 0) throw new UsageError('report merge needs at least one results.json');
  const first = inputs[0]!;
  const check = checkMergeable(inputs, names);
  const sum = (f: (r: LoadResults) => number) => inputs.reduce((a, r) => a + f(r), 0);
  const stages = mergeStages(inputs.map((r) => r.stages));

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
  const incomplete = mergeIncomplete(inputs);
  const intended = mergeIntended(inputs);
  const { executionSegment: _segment, ...options } = first.options;
  return {
    ...first,
    options: check.executionSegment ? { ...options, executionSegment: check.executionSegment } : options,
    engine: first.engine,
    target: [...new Set(inputs.map((r) => r.target))].join(', '),
    run: {
      ...first.run,
      startedAt: new Date(start).toISOString(),
      finishedAt: new Date(end).toISOString(),
      durationMs,
      instances: inputs.flatMap((r, i) => r.run.instances.map((id) => (inputs.length > 1 ? `${i}:${id}` : id))),
      ...(incomplete ? { incomplete } : {}),
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
    intended,
  };
}
