// The one typed configuration of a load run, built and validated by src/cli/load.ts (flags > env >
// defaults) and consumed by runLoad(); tests build it directly.
import type { UploadContext } from '../protocol/index.ts';
import { UsageError } from '../config/errors.ts';
import { isLoopback, type Target } from '../config/target-url.ts';
import type { ScenarioName, Weighted } from '../../scenarios/flows/index.ts';
import type { Threshold } from './thresholds.ts';
import type { RateStage } from './schedule.ts';
import type { ProgressSink } from './node-engine.ts';
import type { RunInterrupt } from './interrupt.ts';

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

/** Non-mock targets are refused above this arrival rate unless --i-understand-this-hits-production. */
export const PRODUCTION_RATE_CAP = 20;

export function peakRateOf(config: Pick<LoadConfig, 'rate' | 'stages' | 'startRate'>): number {
  if (config.stages) return Math.max(config.startRate ?? 0, ...config.stages.map((s) => s.target));
  return config.rate ?? 0;
}

/**
 * The production guard of every command that generates load (load, k8s): a real target (not the mock,
 * not loopback) above PRODUCTION_RATE_CAP it/s needs --i-understand-this-hits-production.
 */
export function assertRateAllowed(target: Target, peakRate: number, allowProduction: boolean): void {
  if (target === 'mock' || isLoopback(target) || peakRate <= PRODUCTION_RATE_CAP || allowProduction) return;
  throw new UsageError(`refusing ${peakRate} it/s against ${target.host}: above ${PRODUCTION_RATE_CAP}/s a real target needs --i-understand-this-hits-production`);
}
