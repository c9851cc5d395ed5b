// Merges results JSONs of several processes/machines (k6 segments, node instances) into one: counts are
// summed, latency statistics recomputed from the merged HDR histograms (never averaged), per-second
// buckets aligned on absolute unix seconds, the rate record and its verdict recomputed. Thresholds are
// re-evaluated by the caller on the merged histograms and counters. Only runs that can be merged
// honestly are (docs/decisions/0038, 0121): one scenario and one set of options and thresholds, no run
// twice, runs that ran at the same time (or, with `sequential`, one after another), execution segments
// that do not overlap (missing ones are reported, not invented).
import { randomUUID } from 'node:crypto';
import {
  encodeHistogram,
  latencyStats,
  mergeHistograms,
  percentileMs,
  type DelaySummary,
  type IncompleteRun,
  type InjectedFault,
  type IntendedLatency,
  type LoadResults,
  type RateRecord,
  type SecondBucket,
  type SecondStage,
  type StageName,
  type StageSummary,
} from '../results/index.ts';
import { judgeRate } from './rate.ts';
import { round3 } from './measurements.ts';
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

/** The share of the whole schedule that execution segment(s) `text` cover (`1/4:2/4` → 0.25). */
export function segmentShare(text: string): number {
  return parseSegments(text).reduce((a, s) => a + s.to - s.from, 0);
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

export interface MergeOptions {
  /** The parts ran one after another (their windows must not overlap), not at the same time. */
  sequential?: boolean;
}

/** The options that must be equal for a merge to describe one run, as `/json/path` → value text. */
function mergeKey(r: LoadResults): [string, string][] {
  const o = r.options;
  return [
    ['/scenario', r.scenario],
    ['/engine', r.engine],
    ['/options/rate', String(o.rate ?? '–')],
    ['/options/stages', JSON.stringify(o.stages ?? null)],
    ['/options/durationMs', String(o.durationMs)],
    ['/options/fileSizes', o.fileSizes],
    ['/options/mix', o.mix],
    ['/options/maxVUs', String(o.maxVUs)],
    ['/options/maxStartDelayMs', String(o.maxStartDelayMs)],
  ];
}

const windowOf = (r: LoadResults) => ({ start: Date.parse(r.run.startedAt), end: Date.parse(r.run.finishedAt) });

/** Every run id an input stands for: its own and, for a merged file, those it was made of. */
const runIds = (r: LoadResults) => [r.run.id, ...(r.run.mergedFrom ?? [])];

/**
 * Refuses (UsageError, exit 2) inputs that cannot be merged honestly; `names` label the inputs in
 * messages (file names), each refusal names the files and the JSON path that differ. Unsegmented runs
 * are independent instances (several machines each at the full rate) and merge as such; segmented and
 * unsegmented runs do not mix.
 */
export function checkMergeable(inputs: readonly LoadResults[], names: readonly string[] = inputs.map((_, i) => `input ${i + 1}`), opts: MergeOptions = {}): MergeCheck {
  const scenarios = new Set(inputs.map((r) => r.scenario));
  if (scenarios.size > 1) throw new UsageError(`cannot merge runs of different scenarios: ${[...scenarios].join(', ')} (/scenario of ${names.join(', ')})`);
  const seen = new Map<string, number>();
  inputs.forEach((r, i) => {
    for (const id of runIds(r)) {
      const j = seen.get(id);
      if (j !== undefined) throw new UsageError(`${names[j]} and ${names[i]} hold the same run (/run/id ${id}): merged, it would be counted twice`, 'merge each run once');
      seen.set(id, i);
    }
  });
  const keys = inputs.map(mergeKey);
  for (let i = 1; i < inputs.length; i++) {
    const k = keys[i]!.findIndex(([, v], n) => v !== keys[0]![n]![1]);
    if (k >= 0) {
      const [path, value] = keys[i]![k]!;
      throw new UsageError(`cannot merge runs with different settings: ${names[0]} has ${path} ${keys[0]![k]![1]}, ${names[i]} has ${value}`, 'a merged report describes one workload; merge only runs of the same settings');
    }
  }
  const sets = inputs.map((r) => thresholdSet(r.options.thresholds));
  const differs = sets.findIndex((s) => s !== sets[0]);
  if (differs > 0) throw new UsageError(`cannot merge runs with different threshold sets: ${names[0]} has [${sets[0] || 'none'}], ${names[differs]} has [${sets[differs] || 'none'}] (/options/thresholds)`);
  checkWindows(inputs, names, opts.sequential === true);
  const segmented = inputs.map((r) => r.options.executionSegment !== undefined);
  if (!segmented.some(Boolean)) return { notes: [] };
  const unsegmented = segmented.indexOf(false);
  if (unsegmented >= 0) throw new UsageError(`cannot merge segmented and unsegmented runs: ${names[unsegmented]} has no execution segment (/options/executionSegment)`);
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

/**
 * Parts of one run ran at the same time: their windows (/run/startedAt – /run/finishedAt) share an
 * instant. With `sequential` they ran one after another: no two windows overlap.
 */
function checkWindows(inputs: readonly LoadResults[], names: readonly string[], sequential: boolean): void {
  const w = inputs.map((r, i) => ({ ...windowOf(r), name: names[i]!, r })).sort((a, b) => a.start - b.start);
  const span = (x: (typeof w)[number]) => `${x.name} (/run/startedAt ${x.r.run.startedAt} – /run/finishedAt ${x.r.run.finishedAt})`;
  for (let i = 1; i < w.length; i++) {
    if (sequential && w[i]!.start < w[i - 1]!.end) throw new UsageError(`--sequential, but ${span(w[i - 1]!)} and ${span(w[i]!)} overlap`, 'without --sequential, overlapping runs merge as parts of one run');
  }
  if (sequential || w.length < 2) return;
  const latestStart = w.reduce((a, x) => (x.start > a.start ? x : a));
  const earliestEnd = w.reduce((a, x) => (x.end < a.end ? x : a));
  if (latestStart.start >= earliestEnd.end) {
    throw new UsageError(`${span(earliestEnd)} and ${span(latestStart)} did not run at the same time: merged as one run, their rates would be wrong`, 'pass --sequential to merge runs made one after another');
  }
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
    latencyMs: latencyStats(h, { min: Math.min(...present.map((p) => p.latencyMs.min)), max: Math.max(...present.map((p) => p.latencyMs.max)) }),
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

function mergeSeries(inputs: readonly LoadResults[]): SecondBucket[] {
  const buckets = new Map<number, SecondBucket[]>();
  for (const r of inputs) for (const b of r.series) (buckets.get(b.t) ?? buckets.set(b.t, []).get(b.t)!).push(b);
  // Late starts are per second only where every part measured them.
  const late = inputs.every((r) => r.rate.late !== undefined);
  return [...buckets.keys()].sort((a, b) => a - b).map((t): SecondBucket => {
    const bs = buckets.get(t)!;
    const s = (f: (b: SecondBucket) => number) => bs.reduce((a, b) => a + f(b), 0);
    const names = [...new Set(bs.flatMap((b) => Object.keys(b.stages)))] as StageName[];
    return {
      t,
      scheduled: s((b) => b.scheduled),
      started: s((b) => b.started),
      ...(late ? { late: s((b) => b.late ?? 0) } : {}),
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
}

function mergeDelays(parts: readonly (DelaySummary | undefined)[]): DelaySummary | undefined {
  if (!parts.every((p): p is DelaySummary => p !== undefined) || parts.length === 0) return undefined;
  const h = mergeHistograms(parts.map((p) => p.histogram));
  return { count: parts.reduce((a, p) => a + p.count, 0), ms: latencyStats(h, { min: Math.min(...parts.map((p) => p.ms.min)), max: Math.max(...parts.map((p) => p.ms.max)) }), histogram: encodeHistogram(h) };
}

/**
 * The parts' rate records as one. At the same time (instances, segments) the rates of the parts add up;
 * one after another (sequential) the rate is the parts' iterations over their summed windows.
 */
function mergeRate(inputs: readonly LoadResults[], windowMs: number, iterations: number, sequential: boolean): RateRecord {
  const parts = inputs.map((r) => r.rate);
  const sum = (f: (r: RateRecord) => number) => parts.reduce((a, r) => a + f(r), 0);
  const all = <T>(f: (r: RateRecord) => T | undefined): T[] | undefined => (parts.every((r) => f(r) !== undefined) ? parts.map((r) => f(r)!) : undefined);
  const late = all((r) => r.late);
  const peaks = all((r) => r.maxVUs.peak);
  const startDelay = mergeDelays(parts.map((r) => r.startDelay));
  const generators = parts.map((r) => r.generator).filter((g): g is NonNullable<RateRecord['generator']> => g !== undefined);
  const started = sum((r) => r.started);
  const warning = parts.find((r) => r.maxVUs.warning)?.maxVUs.warning;
  // Sequential parts each started at the target rate, over their own window; the merged window is their sum.
  const startWindowS = sum((r) => (r.startRate > 0 ? r.started / r.startRate : 0));
  const merged: RateRecord = {
    targetRate: round3(sequential ? parts[0]!.targetRate : sum((r) => r.targetRate)),
    scheduled: sum((r) => r.scheduled),
    started,
    startRate: round3(sequential ? (startWindowS > 0 ? started / startWindowS : 0) : sum((r) => r.startRate)),
    achievedRate: round3(iterations / (windowMs / 1000)),
    windowMs: round3(windowMs),
    maxStartDelayMs: parts[0]!.maxStartDelayMs,
    ...(late ? { late: late.reduce((a, b) => a + b, 0) } : {}),
    ...(startDelay ? { startDelay } : {}),
    dropped: { maxVUs: sum((r) => r.dropped.maxVUs), notStarted: sum((r) => r.dropped.notStarted) },
    maxVUs: {
      limit: sequential ? parts[0]!.maxVUs.limit : sum((r) => r.maxVUs.limit),
      // At the same time the parts' peaks are an upper bound of the merged peak (they need not coincide).
      ...(peaks ? { peak: sequential ? Math.max(...peaks) : peaks.reduce((a, b) => a + b, 0) } : {}),
      exhausted: parts.some((r) => r.maxVUs.exhausted),
      ...(warning ? { warning } : {}),
    },
    // The most loaded generator of the parts speaks for them.
    ...(generators.length ? { generator: generators.reduce((a, g) => (g.eventLoopUtilization > a.eventLoopUtilization ? g : a)) } : {}),
    held: true,
    allowShortfall: parts.every((r) => r.allowShortfall),
    shortfalls: [],
    notMeasured: [...new Set(parts.flatMap((r) => r.notMeasured))],
  };
  return judgeRate(merged);
}

/** The parts' injected faults, their times moved to the merged run's start. */
function mergeFaults(inputs: readonly LoadResults[], start: number): InjectedFault[] {
  return inputs.flatMap((r) => {
    const shift = Date.parse(r.run.startedAt) - start;
    return r.faults.map((f) => ({ ...f, fromMs: f.fromMs + shift, untilMs: f.untilMs === null ? null : f.untilMs + shift }));
  });
}

export function mergeResults(inputs: readonly LoadResults[], names?: readonly string[], opts: MergeOptions = {}): LoadResults {
  if (inputs.length === 0) throw new UsageError('report merge needs at least one results.json');
  const first = inputs[0]!;
  const sequential = opts.sequential === true;
  const check = checkMergeable(inputs, names, opts);
  const sum = (f: (r: LoadResults) => number) => inputs.reduce((a, r) => a + f(r), 0);
  const stages = mergeStages(inputs.map((r) => r.stages));
  // Concurrent instances share the wall-clock window: the merged window spans first start to last end;
  // sequential runs add their windows (the time between them is no part of any run).
  const start = Math.min(...inputs.map((r) => Date.parse(r.run.startedAt)));
  const end = Math.max(...inputs.map((r) => Date.parse(r.run.finishedAt)));
  const durationMs = sequential ? sum((r) => r.run.durationMs) : Math.max(end - start, ...inputs.map((r) => r.run.durationMs));
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
      id: randomUUID(),
      mergedFrom: inputs.flatMap(runIds),
      ...(sequential ? { sequential } : {}),
      startedAt: new Date(start).toISOString(),
      finishedAt: new Date(end).toISOString(),
      durationMs: round3(durationMs),
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
    series: mergeSeries(inputs),
    errors,
    thresholds: [],
    rate: mergeRate(inputs, durationMs, iterations, sequential),
    faults: mergeFaults(inputs, start),
    baseline: undefined,
    intended,
  };
}
