// `upload-harness load`: an arrival-rate load test of the presigned upload flow with the k6 or node
// engine; writes <report-dir>/{index.html,results.json,junit.xml}; exit 0 ok, 2 usage/harness error,
// 99 a threshold failed or the baseline regressed (as k6).
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './load-help.ts';
import { parseDurationMs } from '../config/duration.ts';
import { EXIT, UsageError } from '../config/errors.ts';
import type { Env } from '../config/precedence.ts';
import { baseUrlOf, type Target } from '../config/target-url.ts';
import { assertK6Thresholds, assertWorkload, peakRateOf, workloadOf, type EngineChoice, type LoadConfig } from '../load/config.ts';
import { runLoad, type LoadOutcome } from '../load/run.ts';
import { handleStopSignals, RunInterrupt } from '../config/interrupt.ts';
import type { RateStage } from '../load/schedule.ts';
import { parseFaults } from '../mock/faults.ts';
import { asUsage, optionValue, parseCommandArgs, parseIntegerOption, parseNumberOption } from './args.ts';
import { guardProductionRate, parseMaxVUs, parseMixes, parseRate, parseScenario, parseThresholds, parseWorkloadTarget } from './workload-options.ts';
import { writeReports, type WrittenReports } from './report-files.ts';




const HINT = 'see upload-harness load --help';

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

export function parseStages(text: string): RateStage[] {
  const stages = text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [d, t, extra] = item.split(':');
    if (d === undefined || t === undefined || extra !== undefined) throw new UsageError(`--stages item "${item}" must be duration:target, e.g. 30s:200`);
    const label = `--stages item "${item}":`;
    const durationMs = asUsage(() => parseDurationMs(d), { label: `${label} duration`, hint: HINT });
    if (durationMs <= 0) throw new UsageError(`${label} duration must be > 0`);
    return { durationMs, target: parseRate(`stages item "${item}": target`, t, { exclusive: false }) };
  });
  if (stages.length === 0) throw new UsageError('--stages is empty (example: 10s:50,30s:200)');
  return stages;
}

/** Constant (--rate, --duration) or ramping (--stages, --start-rate) arrival, never both. */
function parseArrival(v: Values, env: Env): Pick<LoadConfig, 'rate' | 'stages' | 'startRate' | 'durationMs'> {
  if (v.rate !== undefined && v.stages !== undefined) throw new UsageError('use either --rate (constant) or --stages (ramping), not both');
  if (v.stages !== undefined && v.duration !== undefined) throw new UsageError('--duration applies to --rate; with --stages the stages give the duration');
  if (v['start-rate'] !== undefined && v.stages === undefined) throw new UsageError('--start-rate applies to --stages');
  if (v.stages !== undefined) {
    const stages = parseStages(v.stages);
    const startRate = v['start-rate'] === undefined ? undefined : parseRate('start-rate', v['start-rate'], { exclusive: false });
    return { rate: undefined, stages, startRate, durationMs: stages.reduce((a, s) => a + s.durationMs, 0) };
  }
  const rate = parseRate('rate', optionValue(OPTIONS, v, 'rate', env)!);
  return { rate, durationMs: asUsage(() => parseDurationMs(optionValue(OPTIONS, v, 'duration', env)!), { label: '--duration', hint: HINT }) };
}

/** --max-start-delay (a duration > 0) and --allow-rate-shortfall. */
function parseRateGate(v: Values, env: Env): Pick<LoadConfig, 'maxStartDelayMs' | 'allowRateShortfall'> {
  const maxStartDelayMs = asUsage(() => parseDurationMs(optionValue(OPTIONS, v, 'max-start-delay', env)!), { label: '--max-start-delay', hint: HINT });
  if (maxStartDelayMs < 1) throw new UsageError(`--max-start-delay must be at least 1ms, got ${v['max-start-delay']}`);
  return { maxStartDelayMs, allowRateShortfall: v['allow-rate-shortfall'] === true };
}

/** --baseline and --max-regression (a percentage, only meaningful with a baseline). */
function parseBaseline(v: Values, env: Env): Pick<LoadConfig, 'baseline' | 'maxRegressionPct'> {
  const regression = optionValue(OPTIONS, v, 'max-regression', env)!;
  const maxRegressionPct = parseNumberOption('max-regression', regression.replace(/%$/, ''), { min: 0, max: 1000 }, 'a percentage like 10%');
  if (v['max-regression'] !== undefined && !v.baseline) throw new UsageError('--max-regression needs --baseline FILE');
  return { baseline: v.baseline, maxRegressionPct };
}

const SEGMENT = /^(\d+(?:\.\d+)?|\d+\/\d+):(\d+(?:\.\d+)?|\d+\/\d+)$/;

/** The k6-only options: local segments, one machine's segment, docker, dashboard, printed commands. */
function parseK6Options(v: Values, engine: EngineChoice): Pick<LoadConfig, 'segments' | 'executionSegment' | 'executionSegmentSequence' | 'k6Docker' | 'k6Dashboard' | 'printCommands'> {
  const segments = v.segments !== undefined ? parseIntegerOption('segments', v.segments, 1, 1000) : undefined;
  const segment = v['execution-segment'];
  if (segment !== undefined && !SEGMENT.test(segment)) throw new UsageError(`--execution-segment must look like 0:1/4 or 1/4:2/4, got "${segment}"`);
  if (segment !== undefined && segments !== undefined) throw new UsageError('use either --segments N (local processes) or --execution-segment (one machine of several)');
  const sequence = v['execution-segment-sequence'];
  if (sequence !== undefined && !segment) throw new UsageError('--execution-segment-sequence needs --execution-segment');
  if (engine === 'node' && (segments !== undefined || segment !== undefined || v['k6-docker'] || v['k6-dashboard'])) {
    throw new UsageError('--segments, --execution-segment, --k6-docker and --k6-dashboard need the k6 engine');
  }
  return { segments, executionSegment: segment, executionSegmentSequence: sequence, k6Docker: v['k6-docker'] === true, k6Dashboard: v['k6-dashboard'] === true, printCommands: v['print-commands'] === true };
}

/** --mock-fault specs, valid and only with the embedded mock. */
function parseMockFaults(v: Values, target: Target): string[] {
  const mockFaults = v['mock-fault'] ?? [];
  if (mockFaults.length > 0 && target !== 'mock') throw new UsageError('--mock-fault applies to the embedded mock only (--target mock)');
  asUsage(() => parseFaults(mockFaults), { label: '--mock-fault' });
  return mockFaults;
}

/** Flags + environment → a validated LoadConfig (one clear UsageError per bad value). */
export function parseLoadArgs(argv: string[], env: Env = process.env): LoadConfig {
  const { values: v } = parseCommandArgs('load', argv, OPTIONS);
  const engine = (v.engine ?? 'auto') as EngineChoice;
  if (!['auto', 'k6', 'node'].includes(engine)) throw new UsageError(`--engine must be auto, k6 or node, got "${v.engine}"`);
  const scenario = parseScenario(OPTIONS, v, env);
  const arrival = parseArrival(v, env);
  const thresholds = v.threshold ?? [];
  const thresholdRules = parseThresholds(thresholds, HINT);
  const target = parseWorkloadTarget(OPTIONS, v, env, { allowMock: true });
  const peak = peakRateOf(arrival);
  const allowProduction = guardProductionRate(target, peak, v);
  const config: LoadConfig = {
    engine,
    scenario,
    ...arrival,
    ...parseMixes(OPTIONS, v, env, HINT),
    thresholds,
    thresholdRules,
    ...parseBaseline(v, env),
    target: target === 'mock' ? 'mock' : baseUrlOf(target),
    apiKey: optionValue(OPTIONS, v, 'api-key', env),
    jobPostingId: optionValue(OPTIONS, v, 'job-posting-id', env),
    maxVUs: parseMaxVUs(v['max-vus'], peak),
    ...parseRateGate(v, env),
    reportDir: optionValue(OPTIONS, v, 'report-dir', env)!,
    allowProduction,
    ...parseK6Options(v, engine),
    mockFaults: parseMockFaults(v, target),
    caFile: optionValue(OPTIONS, v, 'ca-file', env),
  };
  // The checks k8s makes too; with `--engine auto` the k6 ones wait until the engine is known (runLoad).
  assertWorkload(workloadOf(config), engine === 'k6' ? 'k6' : 'node');
  if (engine === 'k6') assertK6Thresholds(thresholdRules);
  return config;
}

/** One load run and its report folder (what `load` does; tests call it with a built config). */
export async function runLoadWithReports(config: LoadConfig): Promise<LoadOutcome & { paths?: WrittenReports }> {
  const outcome = await runLoad(config);
  if (!outcome.results) return outcome;
  const paths = await writeReports(config.reportDir, 'load', outcome.results, outcome.secrets ?? []);
  (config.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`report: ${paths.html}`);
  return { ...outcome, paths };
}

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const config = parseLoadArgs(argv);
    const interrupt = new RunInterrupt();
    const log = (line: string): boolean => process.stderr.write(`${line}\n`);
    const unhandle = handleStopSignals(interrupt, {
      onStop: (signal) => log(`${signal}: stopping: no new iterations, in-flight ones get the graceful stop; press Ctrl-C again to abort at once (reports are written either way)`),
      onAbort: (signal) => log(`${signal}: aborting in-flight iterations; writing what was recorded`),
    });
    let outcome;
    try {
      outcome = await runLoadWithReports({ ...config, interrupt });
    } finally {
      unhandle();
    }
    // Aborted (second signal): the reports are written; what is still pending (answers held by the target) is not waited for.
    if (interrupt.abort.aborted) process.exit(outcome.exitCode);
    if (outcome.commands) {
      for (const c of outcome.commands) console.log(c);
      return EXIT.ok;
    }
    return outcome.exitCode;
  },
};
