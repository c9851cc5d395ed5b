// The one check of a workload's settings, whoever states them: `load` (either engine), `k8s` and a k6
// bundle reading its UH_* variables (k6-env.ts) all refuse the same settings with the same message, so
// a manifest `k8s` prints never holds a bundle that throws at start. Runs in k6 as well as Node.
import type { UploadContext } from '../../src/protocol/index.ts';
import type { Weighted } from './mix.ts';
import type { ScenarioName } from './flows.ts';

export class WorkloadError extends Error {}

/** The ranges of the numbers a workload may hold (the CLI's own checks use the same bounds). */
export const WORKLOAD_LIMITS = {
  maxRate: 1_000_000,
  maxDurationMs: 24 * 3_600_000,
  maxVUs: 100_000,
  /** k6's arrival-rate executors refuse a shorter duration ("the duration should be at least 1s"). */
  k6MinDurationMs: 1000,
} as const;

export interface WorkloadSettings {
  scenario: ScenarioName;
  /** Constant arrival rate; exclusive with `stages`. */
  rate?: number;
  stages?: readonly { durationMs: number; target: number }[];
  startRate?: number;
  /** Scheduled duration (the sum of the stages when ramping); undefined when k6 reads it itself. */
  durationMs: number | undefined;
  maxVUs: number;
  contexts: readonly Weighted<UploadContext>[];
  /** A job posting id is given, or the target supplies one (the embedded mock has its own posting). */
  hasJobPosting: boolean;
}

const isRate = (n: number) => Number.isFinite(n) && n >= 0 && n <= WORKLOAD_LIMITS.maxRate;

/** Throws a WorkloadError naming the first setting no engine could run; `engine` adds k6's own limits. */
export function checkWorkload(w: WorkloadSettings, engine: 'node' | 'k6' = 'node'): void {
  const d = w.durationMs;
  if (d !== undefined && !(d > 0 && d <= WORKLOAD_LIMITS.maxDurationMs)) throw new WorkloadError(`the duration must be between 1ms and 24h, got ${d}ms`);
  if (w.stages) {
    if (w.stages.length === 0) throw new WorkloadError('the ramp has no stages');
    const bad = w.stages.find((s) => !(s.durationMs > 0) || !isRate(s.target));
    if (bad) throw new WorkloadError(`a stage needs a duration > 0 and a target rate between 0 and ${WORKLOAD_LIMITS.maxRate}, got ${bad.durationMs}ms:${bad.target}`);
    if (!isRate(w.startRate ?? 0)) throw new WorkloadError(`the start rate must be between 0 and ${WORKLOAD_LIMITS.maxRate}, got ${w.startRate}`);
    if (Math.max(w.startRate ?? 0, ...w.stages.map((s) => s.target)) === 0) throw new WorkloadError('every stage has target rate 0: nothing would run');
  } else if (!(isRate(w.rate ?? NaN) && w.rate! > 0)) throw new WorkloadError(`the rate must be > 0 and ≤ ${WORKLOAD_LIMITS.maxRate} iterations/s, got ${w.rate}`);
  if (!(Number.isInteger(w.maxVUs) && w.maxVUs >= 1 && w.maxVUs <= WORKLOAD_LIMITS.maxVUs)) throw new WorkloadError(`max VUs must be a whole number between 1 and ${WORKLOAD_LIMITS.maxVUs}, got ${w.maxVUs}`);
  if (w.scenario === 'full-flow' && w.contexts.some((c) => c.value === 'ApplicationForm') && !w.hasJobPosting) throw new WorkloadError('the form context needs a job posting id');
  if (engine === 'k6' && !w.stages && d !== undefined && d < WORKLOAD_LIMITS.k6MinDurationMs) throw new WorkloadError(`k6 runs a constant arrival rate for at least 1s, got ${d}ms`);
}
