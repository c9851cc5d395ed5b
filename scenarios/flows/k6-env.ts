// The `UH_*` environment contract between the harness and the k6 bundles, declared once: the variable
// names, the defaults a bundle uses when a variable is absent (also the `load`/`k8s` defaults, so a bare
// `k6 run dist/k6/full-flow.js` and `upload-harness load` run the same workload), how the harness
// encodes its settings (src/load/k6-engine.ts, src/cli/k8s.ts) and how a bundle reads them back
// (scenarios/k6/k6-runtime.ts), which checks them at start the way `load` and `k8s` check their flags
// (workload.ts). Runs inside k6 as well as Node: no Node built-ins, no DOM globals.
import { parseContextMix } from './mix.ts';
import type { ScenarioName } from './flows.ts';
import { checkWorkload } from './workload.ts';

/** The variable names (docs/load.md lists them for users running the bundles by hand). */
export const K6_ENV = {
  baseUrl: 'UH_BASE_URL',
  /** Never encoded into `-e` arguments or manifests: it travels in the process environment or a Secret. */
  apiKey: 'UH_API_KEY',
  rate: 'UH_RATE',
  stages: 'UH_STAGES',
  startRate: 'UH_START_RATE',
  duration: 'UH_DURATION',
  maxVUs: 'UH_MAX_VUS',
  preAllocatedVUs: 'UH_PRE_ALLOCATED_VUS',
  fileSizes: 'UH_FILE_SIZES',
  mix: 'UH_MIX',
  jobPostingId: 'UH_JOB_POSTING_ID',
  thresholds: 'UH_THRESHOLDS',
  summary: 'UH_SUMMARY',
} as const;

/** The workload every engine and entry point falls back to. */
export const WORKLOAD_DEFAULTS = {
  rate: 10,
  duration: '30s',
  fileSizes: '1KiB:50,256KiB:40,5MiB:10',
  mix: 'resume:1,files:1,form:1',
  startRate: 0,
} as const;

/** Pre-allocated VUs never exceed this (k6 starts the rest on demand up to maxVUs). */
const PRE_ALLOCATED_VUS_CAP = 20;
/** The default max VUs never exceed this: a higher concurrency is a choice (--max-vus), not a default. */
export const DEFAULT_MAX_VUS_CAP = 1000;

/**
 * Most concurrent iterations when not given (k6's maxVUs: iterations that find every VU busy are
 * dropped and counted): enough for 2 s iterations at the peak arrival rate, at least 20 and at most
 * DEFAULT_MAX_VUS_CAP — without the cap a high rate got a limit no run ever reaches (2 × 100,001), so an
 * overloaded run never showed a single dropped iteration.
 */
export function defaultMaxVUs(peakRate: number): number {
  return Math.min(DEFAULT_MAX_VUS_CAP, Math.max(20, Math.ceil(peakRate * 2)));
}

interface K6Stage {
  durationMs: number;
  target: number;
}

/** What the harness tells a bundle (everything but the API key). */
export interface K6Settings {
  baseUrl: string;
  /** Constant arrival rate; exclusive with `stages`. */
  rate?: number;
  stages?: readonly K6Stage[];
  startRate?: number;
  durationMs: number;
  maxVUs: number;
  fileSizes: string;
  mix: string;
  jobPostingId?: string;
  /** k6 `thresholds` option: metric → expressions. */
  thresholds: Record<string, string[]>;
  /** Where handleSummary writes k6's end-of-test data. */
  summary?: string;
}

/** Settings → `UH_*` variables (the values of `-e NAME=value` or of a pod's env). */
export function encodeK6Env(s: K6Settings): Record<string, string> {
  const vars: Record<string, string> = {
    [K6_ENV.baseUrl]: s.baseUrl,
    [K6_ENV.duration]: `${s.durationMs}ms`,
    [K6_ENV.maxVUs]: String(s.maxVUs),
    [K6_ENV.fileSizes]: s.fileSizes,
    [K6_ENV.mix]: s.mix,
    [K6_ENV.thresholds]: JSON.stringify(s.thresholds),
  };
  if (s.rate !== undefined) vars[K6_ENV.rate] = String(s.rate);
  if (s.stages) {
    vars[K6_ENV.stages] = JSON.stringify(s.stages);
    vars[K6_ENV.startRate] = String(s.startRate ?? WORKLOAD_DEFAULTS.startRate);
  }
  if (s.jobPostingId) vars[K6_ENV.jobPostingId] = s.jobPostingId;
  if (s.summary) vars[K6_ENV.summary] = s.summary;
  return vars;
}

export type K6EnvSource = Readonly<Record<string, string | undefined>>;

/** One variable; an empty value counts as unset. A missing required one is a clear error. */
function k6Var(env: K6EnvSource, name: string, fallback?: string): string {
  const v = env[name];
  if (v !== undefined && v !== '') return v;
  if (fallback === undefined) throw new Error(`environment variable ${name} is required (pass it with -e ${name}=…)`);
  return fallback;
}

/** The arrival-rate executor a bundle runs: ramping when UH_STAGES is set, else constant. */
export type K6Schedule =
  | { kind: 'ramping'; startRate: number; stages: K6Stage[]; preAllocatedVUs: number; maxVUs: number }
  | { kind: 'constant'; rate: number; duration: string; preAllocatedVUs: number; maxVUs: number };

export function decodeK6Schedule(env: K6EnvSource): K6Schedule {
  const stagesJson = env[K6_ENV.stages];
  const stages = stagesJson ? (JSON.parse(stagesJson) as K6Stage[]) : undefined;
  const startRate = Number(k6Var(env, K6_ENV.startRate, String(WORKLOAD_DEFAULTS.startRate)));
  const rate = Number(k6Var(env, K6_ENV.rate, String(WORKLOAD_DEFAULTS.rate)));
  const peak = stages ? Math.max(startRate, ...stages.map((s) => s.target)) : rate;
  const maxVUs = Number(k6Var(env, K6_ENV.maxVUs, String(defaultMaxVUs(peak))));
  const preAllocatedVUs = Number(k6Var(env, K6_ENV.preAllocatedVUs, String(Math.min(maxVUs, PRE_ALLOCATED_VUS_CAP))));
  if (stages) return { kind: 'ramping', startRate, stages, preAllocatedVUs, maxVUs };
  return { kind: 'constant', rate, duration: k6Var(env, K6_ENV.duration, WORKLOAD_DEFAULTS.duration), preAllocatedVUs, maxVUs };
}

/**
 * k6 takes integer rates per `timeUnit` (k6 docs: constant-arrival-rate, "rate: integer"): a fractional
 * rate is given per 1000 s instead (0.5/s = 500 per 1000s), an integer one per second as usual.
 */
export function k6RateUnit(schedule: K6Schedule): { scale: number; timeUnit: string } {
  const rates = schedule.kind === 'constant' ? [schedule.rate] : [schedule.startRate, ...schedule.stages.map((s) => s.target)];
  return rates.every(Number.isInteger) ? { scale: 1, timeUnit: '1s' } : { scale: 1000, timeUnit: '1000s' };
}

/** UH_DURATION as the harness writes it (`1500ms`); undefined for any other k6 duration text, which k6 checks itself. */
function encodedDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)ms$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The bundle's own check of its variables at start (k6-runtime.ts buildOptions): the same check, and
 * the same message, as `load` and `k8s` give for the same settings. Throws WorkloadError.
 */
export function checkK6Env(env: K6EnvSource, scenario: ScenarioName): void {
  const schedule = decodeK6Schedule(env);
  const ramping = schedule.kind === 'ramping';
  checkWorkload(
    {
      scenario,
      ...(ramping ? { stages: schedule.stages, startRate: schedule.startRate } : { rate: schedule.rate }),
      durationMs: ramping ? schedule.stages.reduce((a, s) => a + s.durationMs, 0) : encodedDurationMs(schedule.duration),
      maxVUs: schedule.maxVUs,
      contexts: parseContextMix(k6Var(env, K6_ENV.mix, WORKLOAD_DEFAULTS.mix)),
      hasJobPosting: Boolean(env[K6_ENV.jobPostingId]),
    },
    'k6',
  );
}

export function decodeK6Thresholds(env: K6EnvSource): Record<string, string[]> {
  return JSON.parse(k6Var(env, K6_ENV.thresholds, '{}')) as Record<string, string[]>;
}

/** What one flow iteration needs; the mixes stay text here (the bundle parses them with flows/mix.ts). */
export interface K6FlowEnv {
  baseUrl: string;
  apiKey: string;
  fileSizes: string;
  mix: string;
  jobPostingId?: string;
}

export function decodeK6Flow(env: K6EnvSource): K6FlowEnv {
  return {
    baseUrl: k6Var(env, K6_ENV.baseUrl),
    apiKey: k6Var(env, K6_ENV.apiKey),
    fileSizes: k6Var(env, K6_ENV.fileSizes, WORKLOAD_DEFAULTS.fileSizes),
    mix: k6Var(env, K6_ENV.mix, WORKLOAD_DEFAULTS.mix),
    jobPostingId: env[K6_ENV.jobPostingId] || undefined,
  };
}
