// The ONE results JSON both load engines write (and `report merge` reads; schemas/reports/
// load-results.json describes it): run configuration, per-stage counts/errors/latency/bytes with
// serialised HDR histograms, per-second series, thresholds, metadata. Producers (src/load) build it;
// renderers (src/report) only read it.
import type { LatencyStats } from './histogram.ts';

export const LOAD_RESULTS_VERSION = 2;
export const LOAD_RESULTS_KIND = 'upload-harness/load-results';

export type EngineName = 'node' | 'k6';
export type StageName = 'handle_create' | 'upload' | 'attach' | 'setup';
export const STAGE_NAMES: readonly StageName[] = ['handle_create', 'upload', 'attach', 'setup'];

export interface StageSummary {
  count: number;
  errors: number;
  bytesSent: number;
  bytesReceived: number;
  latencyMs: LatencyStats;
  /** Compressed base64 HdrHistogram of microseconds. */
  histogram: string;
}

export interface SecondStage {
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  histogram: string;
}

export interface SecondBucket {
  /** Unix time in whole seconds (absolute, so that concurrent instances line up when merged). */
  t: number;
  /** Iterations the arrival schedule had due in this second (the target line). */
  scheduled: number;
  started: number;
  /** Iterations started in this second later than the start-delay bound (node engine only). */
  late?: number;
  completed: number;
  failed: number;
  dropped: number;
  httpReqs: number;
  httpFailed: number;
  bytesSent: number;
  bytesReceived: number;
  stages: Partial<Record<StageName, SecondStage>>;
}

export interface ThresholdOutcome {
  metric: string;
  expression: string;
  ok: boolean;
  /** The observed value the expression was tested with (null when the metric had no data). */
  actual: number | null;
  message: string;
}

export interface LoadOptionsRecord {
  scenario: string;
  rate?: number;
  stages?: { durationMs: number; target: number }[];
  durationMs: number;
  fileSizes: string;
  mix: string;
  maxVUs: number;
  /** An iteration starting later than this after its due time counts as late (--max-start-delay). */
  maxStartDelayMs: number;
  thresholds: string[];
  executionSegment?: string;
}

export interface LoadResults {
  kind: typeof LOAD_RESULTS_KIND;
  schemaVersion: number;
  scenario: string;
  engine: EngineName;
  /** Base URL with any query string redacted, or "mock". */
  target: string;
  options: LoadOptionsRecord;
  run: {
    /** Unique per run (a merged file gets its own): `report merge` refuses the same run twice. */
    id: string;
    /** The run ids a merged file was made of (and theirs, recursively). */
    mergedFrom?: string[];
    /** `report merge --sequential`: the parts ran one after another, not at the same time. */
    sequential?: boolean;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    harnessVersion: string;
    nodeVersion: string;
    hostname: string;
    /** Instance ids of merged runs (one per k6 segment or machine). */
    instances: string[];
    k6ExitCode?: number;
    /** From each k6 process's handleSummary output. */
    k6TestRunDurationMs?: number[];
    /** Present when the run was stopped by a signal before its schedule ended (exit 2): partial data. */
    incomplete?: IncompleteRun;
  };
  totals: {
    iterations: number;
    iterationsFailed: number;
    droppedIterations: number;
    httpReqs: number;
    httpReqFailed: number;
    checksPassed: number;
    checksFailed: number;
    bytesSent: number;
    bytesReceived: number;
    achievedRate: number;
  };
  stages: Partial<Record<StageName, StageSummary>>;
  http: StageSummary;
  iteration: StageSummary;
  series: SecondBucket[];
  errors: Record<string, number>;
  thresholds: ThresholdOutcome[];
  /** Whether the run held the arrival rate it was asked for, and the figures that say so. */
  rate: RateRecord;
  /** Faults the embedded mock injected during the run (empty when none): its errors are not the target's. */
  faults: InjectedFault[];
  baseline?: BaselineComparison;
  /**
   * Latency from each iteration's and stage's intended start (the arrival schedule's due time) to its
   * end, beside the service times above: a stall that delays starts shows here (node engine only).
   */
  intended?: IntendedLatency;
}

/** Latency-like statistics of a delay, with its histogram (µs, as the stage histograms). */
export interface DelaySummary {
  count: number;
  ms: LatencyStats;
  histogram: string;
}

export interface RateRecord {
  /** Iterations per second the schedule asked for: its iterations ÷ its duration (the mean over a ramp). */
  targetRate: number;
  /** Iterations the schedule had due (until the stop, for an interrupted run; this instance's share of a segment). */
  scheduled: number;
  /** Iterations started. */
  started: number;
  /** Iterations started per second, from the first scheduled start to the later of the schedule's end and the last start less maxStartDelayMs. */
  startRate: number;
  /** Iterations completed per second of `windowMs` (= totals.achievedRate). */
  achievedRate: number;
  /** The real window: from the first scheduled start to the later of the schedule's end and the last completion. */
  windowMs: number;
  maxStartDelayMs: number;
  /** Iterations that started later than maxStartDelayMs after their due time (absent: not measured, see notMeasured). */
  late?: number;
  /** Every started iteration's start delay (actual − intended start; absent: not measured). */
  startDelay?: DelaySummary;
  dropped: {
    /** Due while every VU was busy (k6: its dropped_iterations). */
    maxVUs: number;
    /** Due, but never started before the run stopped starting iterations (the generator fell behind). */
    notStarted: number;
  };
  maxVUs: {
    limit: number;
    /** Most iterations in flight at once (absent: not measured). */
    peak?: number;
    exhausted: boolean;
    /** k6's own warning when it ran out of VUs. */
    warning?: string;
  };
  /** The load generator's own saturation (node engine: the harness process's event loop). */
  generator?: {
    /** Share of the run's time the event loop was busy (0..1). */
    eventLoopUtilization: number;
    eventLoopDelayMs: { p50: number; p99: number; max: number };
    saturated: boolean;
  };
  held: boolean;
  /** --allow-rate-shortfall: a rate not held is reported but does not fail the run. */
  allowShortfall: boolean;
  /** Why the rate was not held, one sentence each (empty when held). */
  shortfalls: string[];
  /** Figures this engine cannot give, and why (never filled in with a guess). */
  notMeasured: string[];
}

export interface InjectedFault {
  /** The fault spec, e.g. `random-5xx=0.1`. */
  spec: string;
  /** `--mock-fault` at the start of the run, or the mock's control API during it. */
  source: 'mock-fault' | 'control-api';
  /** Active from / until, in ms after the run's start (until null: the end of the run). */
  fromMs: number;
  untilMs: number | null;
}

/** An injected fault in words, for every report: `random-5xx=0.1 (--mock-fault, whole run)`. */
export function describeFault(f: InjectedFault): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const span = f.fromMs === 0 && f.untilMs === null ? 'whole run' : f.untilMs === null ? `from ${s(f.fromMs)}` : `${s(f.fromMs)}–${s(f.untilMs)}`;
  return `${f.spec} (${f.source === 'mock-fault' ? '--mock-fault' : "set through the mock's control API"}, ${span})`;
}

export interface IncompleteRun {
  signal: 'SIGINT' | 'SIGTERM';
  /** True when a second signal cut the graceful stop short (in-flight iterations were aborted). */
  aborted: boolean;
  plannedDurationMs: number;
  actualDurationMs: number;
}

export interface IntendedLatency {
  iteration: StageSummary;
  stages: Partial<Record<StageName, StageSummary>>;
}

export interface BaselineRow {
  metric: string;
  baseline: number;
  current: number;
  deltaPct: number;
  /** Higher is worse for latencies and error rates; lower is worse for throughput. */
  regression: boolean;
}

export interface BaselineComparison {
  file: string;
  maxRegressionPct: number;
  rows: BaselineRow[];
  ok: boolean;
}

export function isLoadResults(value: unknown): value is LoadResults {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === LOAD_RESULTS_KIND;
}
