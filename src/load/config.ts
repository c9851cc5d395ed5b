// The one typed configuration of a load run, built and validated by src/cli/load.ts (flags > env >
// defaults) and consumed by runLoad(); tests build it directly.
import type { UploadContext } from '../protocol/index.ts';
import { UsageError } from '../config/errors.ts';
import { checkWorkload, WorkloadError, type ScenarioName, type Weighted, type WorkloadSettings } from '../../scenarios/flows/index.ts';
import { INTENDED_SUFFIX, type Threshold } from './thresholds.ts';
import type { RateStage } from './schedule.ts';
import type { ProgressSink } from './node-engine.ts';
import type { RunInterrupt } from '../config/interrupt.ts';

export type EngineChoice = 'auto' | 'k6' | 'node';

export interface LoadConfig {
  engine: EngineChoice;
  scenario: ScenarioName;
  /** Constant arrival rate (iterations/s); exclusive with `stages`. */
  rate?: number;
  /** Ramping arrival rate stages; the ramp starts at `startRate` (default 0, as k6). */
  stages?: RateStage[];
  startRate?: number;
  /** Scheduled duration (sum of stages when ramping). */
  durationMs: number;
  /** The mixes and thresholds as given (recorded in results.json, passed to k6 as UH_* text)… */
  fileSizes: string;
  mix: string;
  thresholds: string[];
  /** …and as parsed once by the CLI (runLoad does not parse them again). */
  fileSizeMix: Weighted<number>[];
  contextMix: Weighted<UploadContext>[];
  thresholdRules: Threshold[];
  baseline?: string;
  maxRegressionPct: number;
  /** 'mock' starts the embedded mock on an ephemeral port. */
  target: string;
  apiKey?: string;
  jobPostingId?: string;
  maxVUs: number;
  /** An iteration that starts later than this after its due time counts as late (--max-start-delay). */
  maxStartDelayMs: number;
  /** Report a rate the run did not hold, but do not fail the run for it (--allow-rate-shortfall). */
  allowRateShortfall: boolean;
  reportDir: string;
  allowProduction: boolean;
  k6Docker: boolean;
  segments?: number;
  executionSegment?: string;
  executionSegmentSequence?: string;
  printCommands: boolean;
  k6Dashboard: boolean;
  /** Fault specs for the embedded mock (demonstrates that thresholds can fail). */
  mockFaults: string[];
  /** PEM CA file trusted for the target (node engine), from --ca-file / ASHBY_CA_FILE. */
  caFile?: string;
  progress?: ProgressSink | null;
  /** Where log lines go (stderr by default). */
  log?: (line: string) => void;
  /** Stop/abort signals (Ctrl-C, SIGTERM) for the engine; the run is then reported incomplete. */
  interrupt?: RunInterrupt;
}


export function peakRateOf(config: Pick<LoadConfig, 'rate' | 'stages' | 'startRate'>): number {
  if (config.stages) return Math.max(config.startRate ?? 0, ...config.stages.map((s) => s.target));
  return config.rate ?? 0;
}


/** How each setting is given on the command line, for the hint under a refusal. */
const WORKLOAD_HINT = 'see upload-harness load --help (or k8s --help)';
const JOB_POSTING_HINT = 'pass --job-posting-id, set ASHBY_JOB_POSTING_ID, or drop form from --mix';

/**
 * The one check of a workload (scenarios/flows/workload.ts) as a usage error: `load` (at parse time, and
 * again once `auto` has picked its engine) and `k8s` call it with the same settings, the k6 bundles
 * make the same check of their UH_* variables, so all refuse alike, with the same message.
 */
export function assertWorkload(w: WorkloadSettings, engine: 'node' | 'k6'): void {
  try {
    checkWorkload(w, engine);
  } catch (err) {
    if (err instanceof WorkloadError) throw new UsageError(err.message, err.message.includes('job posting') ? JOB_POSTING_HINT : WORKLOAD_HINT);
    throw err;
  }
}

/** k6 does not measure latency from the intended start: such a threshold is refused for a k6 run (load or k8s). */
export function assertK6Thresholds(rules: readonly Threshold[]): void {
  const intended = rules.find((t) => t.base.endsWith(INTENDED_SUFFIX));
  if (intended) throw new UsageError(`${intended.base} is measured by the node engine only`, 'use --engine node, or a service-time metric such as ' + intended.base.slice(0, -INTENDED_SUFFIX.length));
}

/** The workload of a config, for assertWorkload; the embedded mock supplies its own job posting. */
export function workloadOf(config: Pick<LoadConfig, 'scenario' | 'rate' | 'stages' | 'startRate' | 'durationMs' | 'maxVUs' | 'contextMix' | 'jobPostingId' | 'target'>): WorkloadSettings {
  return {
    scenario: config.scenario,
    ...(config.stages ? { stages: config.stages, startRate: config.startRate } : { rate: config.rate }),
    durationMs: config.durationMs,
    maxVUs: config.maxVUs,
    contexts: config.contextMix,
    hasJobPosting: config.jobPostingId !== undefined || config.target === 'mock',
  };
}
