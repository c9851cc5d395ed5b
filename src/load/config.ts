// The one typed configuration of a load run, built and validated by src/cli/load.ts (flags > env >
// defaults) and consumed by runLoad(); tests build it directly.
import type { ScenarioName } from '../../scenarios/flows/index.ts';
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
  fileSizes: string;
  mix: string;
  thresholds: string[];
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
