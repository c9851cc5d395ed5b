// The ONE results JSON both load engines write (and `report merge` reads; schemas/reports/
// load-results.json describes it): run configuration, per-stage counts/errors/latency/bytes with
// serialised HDR histograms, per-second series, thresholds, metadata. Producers (src/load) build it;
// renderers (src/report) only read it.
import type { LatencyStats } from './histogram.ts';

export const LOAD_RESULTS_VERSION = 1;
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
  started: number;
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
  baseline?: BaselineComparison;
  /**
   * Latency from each iteration's and stage's intended start (the arrival schedule's due time) to its
   * end, beside the service times above: a stall that delays starts shows here (node engine only).
   */
  intended?: IntendedLatency;
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
