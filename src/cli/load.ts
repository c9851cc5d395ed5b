// `upload-harness load`: an arrival-rate load test of the presigned upload flow with the k6 or node
// engine; writes <report-dir>/{index.html,results.json,junit.xml}; exit 0 ok, 2 usage/harness error,
// 99 a threshold failed or the baseline regressed (as k6).
import type { Command } from '../cli.ts';
import { DurationError, parseDurationMs } from '../config/duration.ts';
import { EXIT, UsageError } from '../config/errors.ts';
import { MixError, parseContextMix, parseFileSizeMix, SCENARIOS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { PRODUCTION_RATE_CAP, peakRateOf, type EngineChoice, type LoadConfig } from '../load/config.ts';
import { handleStopSignals, RunInterrupt } from '../load/interrupt.ts';
import { runLoad } from '../load/run.ts';
import type { RateStage } from '../load/schedule.ts';
import { parseThresholdFlag, ThresholdError } from '../load/thresholds.ts';
import { FaultSpecError, parseFaults } from '../mock/faults.ts';
import { fromFlagOrEnv, parseCommandArgs, parseIntegerOption } from './args.ts';

const OPTIONS = {
  engine: { type: 'string' },
  scenario: { type: 'string' },
  rate: { type: 'string' },
  stages: { type: 'string' },
  'start-rate': { type: 'string' },
  duration: { type: 'string' },
  'file-sizes': { type: 'string' },
  mix: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'max-regression': { type: 'string' },
  target: { type: 'string' },
  'api-key': { type: 'string' },
  'job-posting-id': { type: 'string' },
  'max-vus': { type: 'string' },
  'report-dir': { type: 'string' },
  'i-understand-this-hits-production': { type: 'boolean' },
  'k6-docker': { type: 'boolean' },
  'k6-dashboard': { type: 'boolean' },
  segments: { type: 'string' },
  'execution-segment': { type: 'string' },
  'execution-segment-sequence': { type: 'string' },
  'print-commands': { type: 'boolean' },
  'mock-fault': { type: 'string', multiple: true },
} as const;

export const LOAD_DEFAULTS = {
  scenario: 'full-flow' as ScenarioName,
  rate: 10,
  duration: '30s',
  fileSizes: '1KiB:50,256KiB:40,5MiB:10',
  mix: 'resume:1,files:1,form:1',
  maxRegression: '10%',
  reportDir: 'reports/load',
};

const HELP = `upload-harness load [options]

Open-model load test (arrival rate, like k6's constant-/ramping-arrival-rate) of the presigned upload
flow. Writes <report-dir>/{index.html,results.json,junit.xml}.

Options (environment variable in brackets; flags win):
  --engine auto|k6|node        auto (default) uses k6 when found (K6_BIN or PATH), else node
  --scenario NAME              handle-create | upload | full-flow (default ${LOAD_DEFAULTS.scenario})
  --rate N                     constant arrival rate, iterations/s (default ${LOAD_DEFAULTS.rate})
  --stages 10s:50,30s:200      ramping arrival rate: duration:target per stage (exclusive with --rate)
  --start-rate N               rate the first stage ramps from (default 0)
  --duration D                 with --rate: 500ms, 30s, 2m (default ${LOAD_DEFAULTS.duration})
  --file-sizes MIX             size:weight list (default ${LOAD_DEFAULTS.fileSizes})
  --mix MIX                    full-flow attach contexts (default ${LOAD_DEFAULTS.mix})
  --threshold 'metric:expr'    k6 syntax, repeatable: 'handle_create_duration:p(95)<300',
                               'http_req_failed:rate<0.01', 'checks:rate>0.99', 'iterations:count>100'
  --baseline FILE              compare with an earlier results.json
  --max-regression P%          allowed regression against the baseline (default ${LOAD_DEFAULTS.maxRegression})
  --target mock|URL            default: the embedded mock on an ephemeral port [ASHBY_BASE_URL]
  --api-key K                  [ASHBY_API_KEY]
  --job-posting-id ID          for the form context [ASHBY_JOB_POSTING_ID]
  --max-vus N                  most concurrent iterations (default max(20, 2 × peak rate))
  --report-dir DIR             default ${LOAD_DEFAULTS.reportDir}
  --i-understand-this-hits-production
                               allow more than ${PRODUCTION_RATE_CAP} it/s against a non-mock target
  --k6-docker                  run k6 as the grafana/k6 docker image
  --k6-dashboard               also export k6's web dashboard (bound to 127.0.0.1)
  --segments N                 run k6 as N processes with execution segments
  --execution-segment A:B      run only this segment (one machine of several) [+ --execution-segment-sequence]
  --print-commands             print the k6 commands (one per segment/machine) instead of running
  --mock-fault SPEC            fault of the embedded mock, repeatable (random-5xx=0.2, latency=50)

Ctrl-C or SIGTERM stops starting iterations and lets in-flight ones finish (graceful stop); a second
one aborts them. Either way the reports are written from what was recorded, marked incomplete.

Exit codes: 0 ok, 2 usage or harness error or the run was interrupted (incomplete),
99 a threshold failed or the baseline regressed.

Examples:
  upload-harness load --engine node --scenario full-flow --rate 50 --duration 10s
  upload-harness load --stages 10s:50,30s:200 --threshold 'handle_create_duration:p(95)<300'
  upload-harness load --mock-fault random-5xx=0.2 --threshold 'http_req_failed:rate<0.01'
  upload-harness load --baseline reports/nightly/results.json --max-regression 10%
  upload-harness load --engine k6 --segments 4 --print-commands`;

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MixError || err instanceof ThresholdError || err instanceof DurationError) throw new UsageError(err.message, 'see upload-harness load --help');
    throw err;
  }
}

function parseRate(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0) || n > 1_000_000) throw new UsageError(`--${name} must be a positive number of iterations per second, got "${text}"`);
  return n;
}

export function parseStages(text: string): RateStage[] {
  const stages = text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [d, t] = item.split(':');
    if (d === undefined || t === undefined || !/^\d+(\.\d+)?$/.test(t)) throw new UsageError(`--stages item "${item}" must be duration:target, e.g. 30s:200`);
    const durationMs = wrap(() => parseDurationMs(d));
    if (durationMs <= 0) throw new UsageError(`--stages item "${item}" needs a positive duration`);
    return { durationMs, target: Number(t) };
  });
  if (stages.length === 0) throw new UsageError('--stages is empty (example: 10s:50,30s:200)');
  return stages;
}

/** A target on this machine (a locally started mock) is never production. */
function isLoopback(target: string): boolean {
  const host = new URL(target).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

const SEGMENT = /^(\d+(?:\.\d+)?|\d+\/\d+):(\d+(?:\.\d+)?|\d+\/\d+)$/;

/** Flags + environment → a validated LoadConfig (one clear UsageError per bad value). */
export function parseLoadArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadConfig {
  const { values: v } = parseCommandArgs('load', argv, OPTIONS);
  const engine = (v.engine ?? 'auto') as EngineChoice;
  if (!['auto', 'k6', 'node'].includes(engine)) throw new UsageError(`--engine must be auto, k6 or node, got "${v.engine}"`);
  const scenario = (v.scenario ?? LOAD_DEFAULTS.scenario) as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${v.scenario}"`);
  if (v.rate !== undefined && v.stages !== undefined) throw new UsageError('use either --rate (constant) or --stages (ramping), not both');
  if (v.stages !== undefined && v.duration !== undefined) throw new UsageError('--duration applies to --rate; with --stages the stages give the duration');
  const stages = v.stages !== undefined ? parseStages(v.stages) : undefined;
  const rate = stages ? undefined : v.rate !== undefined ? parseRate('rate', v.rate) : LOAD_DEFAULTS.rate;
  const startRate = v['start-rate'] !== undefined ? (v['start-rate'] === '0' ? 0 : parseRate('start-rate', v['start-rate'])) : undefined;
  if (startRate !== undefined && !stages) throw new UsageError('--start-rate applies to --stages');
  const durationMs = stages ? stages.reduce((a, s) => a + s.durationMs, 0) : wrap(() => parseDurationMs(v.duration ?? LOAD_DEFAULTS.duration));
  if (durationMs <= 0 || durationMs > 24 * 3_600_000) throw new UsageError(`--duration must be between 1ms and 24h`);
  const fileSizes = v['file-sizes'] ?? LOAD_DEFAULTS.fileSizes;
  wrap(() => parseFileSizeMix(fileSizes));
  const mix = v.mix ?? LOAD_DEFAULTS.mix;
  wrap(() => parseContextMix(mix));
  const thresholds = v.threshold ?? [];
  for (const t of thresholds) wrap(() => parseThresholdFlag(t));
  const regression = v['max-regression'] ?? LOAD_DEFAULTS.maxRegression;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(regression);
  if (!m || Number(m[1]) > 1000) throw new UsageError(`--max-regression must be a percentage like 10%, got "${regression}"`);
  if (v['max-regression'] !== undefined && !v.baseline) throw new UsageError('--max-regression needs --baseline FILE');
  const target = fromFlagOrEnv(v.target, 'ASHBY_BASE_URL', env) ?? 'mock';
  if (target !== 'mock') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`--target must be "mock" or an http(s) base URL, got "${target}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be http or https, got "${url.protocol}"`);
  }
  const peak = peakRateOf({ rate, stages, startRate });
  const allowProduction = v['i-understand-this-hits-production'] === true;
  if (target !== 'mock' && !isLoopback(target) && peak > PRODUCTION_RATE_CAP && !allowProduction) {
    throw new UsageError(`refusing ${peak} it/s against ${new URL(target).host}: above ${PRODUCTION_RATE_CAP}/s a real target needs --i-understand-this-hits-production`);
  }
  const maxVUs = v['max-vus'] !== undefined ? parseIntegerOption('max-vus', v['max-vus'], 1, 100_000) : Math.max(20, Math.ceil(peak * 2));
  const segments = v.segments !== undefined ? parseIntegerOption('segments', v.segments, 1, 1000) : undefined;
  const segment = v['execution-segment'];
  if (segment !== undefined && !SEGMENT.test(segment)) throw new UsageError(`--execution-segment must look like 0:1/4 or 1/4:2/4, got "${segment}"`);
  if (segment !== undefined && segments !== undefined) throw new UsageError('use either --segments N (local processes) or --execution-segment (one machine of several)');
  const sequence = v['execution-segment-sequence'];
  if (sequence !== undefined && !segment) throw new UsageError('--execution-segment-sequence needs --execution-segment');
  if (engine === 'node' && (segments !== undefined || segment !== undefined || v['k6-docker'] || v['k6-dashboard'])) {
    throw new UsageError('--segments, --execution-segment, --k6-docker and --k6-dashboard need the k6 engine');
  }
  const mockFaults = v['mock-fault'] ?? [];
  if (mockFaults.length > 0 && target !== 'mock') throw new UsageError('--mock-fault applies to the embedded mock only (--target mock)');
  try {
    parseFaults(mockFaults);
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(`--mock-fault: ${err.message}`);
    throw err;
  }
  return {
    engine,
    scenario,
    rate,
    stages,
    startRate,
    durationMs,
    fileSizes,
    mix,
    thresholds,
    baseline: v.baseline,
    maxRegressionPct: Number(m[1]),
    target,
    apiKey: fromFlagOrEnv(v['api-key'], 'ASHBY_API_KEY', env),
    jobPostingId: fromFlagOrEnv(v['job-posting-id'], 'ASHBY_JOB_POSTING_ID', env),
    maxVUs,
    reportDir: v['report-dir'] ?? LOAD_DEFAULTS.reportDir,
    allowProduction,
    k6Docker: v['k6-docker'] === true,
    segments,
    executionSegment: segment,
    executionSegmentSequence: sequence,
    printCommands: v['print-commands'] === true,
    k6Dashboard: v['k6-dashboard'] === true,
    mockFaults,
  };
}

export const command: Command = {
  summary: 'arrival-rate load test (k6 or node engine), HTML/JSON/JUnit report',
  help: HELP,
  async run(argv) {
    const config = parseLoadArgs(argv);
    const interrupt = new RunInterrupt();
    const unhandle = handleStopSignals(interrupt, (line) => process.stderr.write(`${line}\n`));
    let outcome;
    try {
      outcome = await runLoad({ ...config, interrupt });
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
