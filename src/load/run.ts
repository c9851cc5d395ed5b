// One load run end to end: resolve the target (embedded mock or a base URL), pick the engine, run it,
// assemble the results JSON, evaluate thresholds and the baseline, pick the exit code. The reports are
// written by the caller (src/cli/load.ts, through the one report writer src/cli/report-files.ts).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EXIT, UsageError } from '../config/errors.ts';
import { redactKnownSecrets, redactUrl } from '../config/redact.ts';
import { closeNetwork, configureNetwork } from '../client/dispatcher.ts';
import { preflight } from '../client/preflight.ts';
import type { FlowConfig } from '../../scenarios/flows/index.ts';
import { round3 } from './measurements.ts';
import { compareWithBaseline } from './baseline.ts';
import { assertK6Thresholds, assertWorkload, workloadOf, type LoadConfig } from './config.ts';
import { findDocker, findK6, formatCommand, prepareK6, runK6Engine, type K6Location, type K6RunOptions } from './k6-engine.ts';
import { segmentShare } from './merge.ts';
import { startEmbeddedMock, type LoadMockTarget } from './mock-target.ts';
import { runNodeEngine, type EngineRun } from './node-engine.ts';
import { assembleRate, rateLines } from './rate.ts';
import { readResultsFile } from './results-file.ts';
import { describeFault, HARNESS_VERSION, LOAD_RESULTS_KIND, LOAD_RESULTS_VERSION, STAGE_NAMES, type EngineName, type InjectedFault, type LoadResults } from '../results/index.ts';
import { constantSchedule, rampingSchedule, type Schedule } from './schedule.ts';
import { evaluateThresholds, toK6Thresholds } from './thresholds.ts';

export interface LoadOutcome {
  exitCode: number;
  results?: LoadResults;
  /** The run's known secrets (the API key it used), for redacting the report files. */
  secrets?: string[];
  /** Commands printed instead of a run (--print-commands). */
  commands?: string[];
}

export function chooseEngine(config: Pick<LoadConfig, 'engine' | 'k6Docker'>, env: NodeJS.ProcessEnv = process.env): { engine: EngineName; k6?: K6Location; why: string } {
  if (config.engine === 'node') return { engine: 'node', why: 'engine: node (requested)' };
  if (config.k6Docker) {
    const docker = findDocker(env);
    if (!docker) throw new UsageError('--k6-docker needs docker on PATH', 'install docker, or use --engine node');
    return { engine: 'k6', k6: { kind: 'docker', path: docker }, why: `engine: k6 via docker image grafana/k6 (${docker})` };
  }
  const k6 = findK6(env);
  if (config.engine === 'k6') {
    if (!k6) throw new UsageError(env.K6_BIN ? `K6_BIN=${env.K6_BIN} is not an executable file` : 'k6 was not found on PATH', 'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), set K6_BIN, use --k6-docker, or --engine node');
    return { engine: 'k6', k6, why: `engine: k6 (${k6.path})` };
  }
  return k6 ? { engine: 'k6', k6, why: `engine: k6 (auto: found ${k6.path})` } : { engine: 'node', why: 'engine: node (auto: k6 not found on PATH or K6_BIN)' };
}

/** One run of a validated config (parseLoadArgs, or built by a test): target, engine, results, reports. */
export async function runLoad(config: LoadConfig): Promise<LoadOutcome> {
  const log = config.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const baseline = config.baseline ? readBaseline(config.baseline) : undefined;
  const choice = chooseEngine(config);
  log(choice.why);
  if (choice.engine === 'node' && config.printCommands) throw new UsageError('--print-commands needs the k6 engine', 'add --engine k6 (or --k6-docker)');
  // The same checks as `k8s` (and the k6 bundle at start), now that the engine is known.
  assertWorkload(workloadOf(config), choice.engine);
  if (choice.engine === 'k6') assertK6Thresholds(config.thresholdRules);

  let mock: LoadMockTarget | undefined;
  try {
    if (config.target === 'mock') mock = await startEmbeddedMock(config.mockFaults);
    const flow = flowConfig(config, mock, log);
    // The embedded mock is this process's own loopback server: reached directly even behind a proxy.
    configureNetwork({ caFile: config.caFile, direct: mock ? [flow.baseUrl] : [] });
    // An unreachable target is one clear error (cause + hint) before the run, not a run of failures.
    if (!mock && choice.engine === 'node' && !config.printCommands) await preflight(flow.baseUrl, flow.apiKey, 15_000);
    if (choice.engine === 'k6') {
      const k6Options = k6RunOptions(config, flow, choice.k6!, log);
      if (config.printCommands) return { exitCode: EXIT.ok, commands: (await prepareK6(k6Options)).map(formatCommand) };
      const k6 = await runK6Engine(k6Options);
      return await concludeRun(config, baseline, log, [flow.apiKey], 'k6', k6, mock, { exitCodes: k6.exitCodes, instances: k6.instances, k6TestRunDurationMs: k6.k6TestRunDurationMs });
    }
    const run = await runNodeEngine({ flow, schedule: scheduleOf(config), maxVUs: config.maxVUs, maxStartDelayMs: config.maxStartDelayMs, progress: config.progress, stop: config.interrupt?.stop, abort: config.interrupt?.abort });
    return await concludeRun(config, baseline, log, [flow.apiKey], 'node', run, mock);
  } finally {
    await closeNetwork();
    // After an abort (second Ctrl-C) the mock may hold answers for a long time (latency faults): do not
    // wait for them; the CLI exits right after the reports are written.
    const closing = mock?.close();
    if (config.interrupt?.abort.aborted) await Promise.race([closing, new Promise((r) => setTimeout(r, 500).unref())]);
    else await closing;
  }
}

/** What each iteration talks to: the embedded mock (its key and posting unless given) or the base URL. */
function flowConfig(config: LoadConfig, mock: LoadMockTarget | undefined, log: (line: string) => void): FlowConfig {
  let baseUrl: string;
  let apiKey: string;
  let jobPostingId = config.jobPostingId;
  if (mock) {
    baseUrl = mock.baseUrl;
    apiKey = config.apiKey ?? mock.apiKey;
    jobPostingId ??= mock.jobPostingId;
    log(`target: embedded mock at ${baseUrl}${config.mockFaults.length ? ` (faults: ${config.mockFaults.join(', ')})` : ''}`);
  } else {
    baseUrl = config.target;
    if (!config.apiKey) throw new UsageError('a non-mock target needs an API key', 'pass --api-key or set ASHBY_API_KEY');
    apiKey = config.apiKey;
    log(`target: ${redactUrl(baseUrl)}`);
  }
  return { scenario: config.scenario, baseUrl, apiKey, fileSizes: config.fileSizeMix, contexts: config.contextMix, jobPostingId };
}

/** The arrival schedule of a config: ramping stages, or a constant rate for the duration. */
function scheduleOf(config: LoadConfig): Schedule {
  return config.stages ? rampingSchedule(config.startRate ?? 0, config.stages) : constantSchedule(config.rate!, config.durationMs);
}

function k6RunOptions(config: LoadConfig, flow: FlowConfig, location: K6Location, log: (line: string) => void): K6RunOptions {
  return {
    scenario: config.scenario,
    baseUrl: flow.baseUrl,
    apiKey: flow.apiKey,
    jobPostingId: flow.jobPostingId,
    rate: config.rate,
    stages: config.stages,
    startRate: config.startRate,
    durationMs: config.durationMs,
    maxVUs: config.maxVUs,
    fileSizes: config.fileSizes,
    mix: config.mix,
    k6Thresholds: toK6Thresholds(config.thresholdRules),
    reportDir: config.reportDir,
    segments: config.segments ?? 1,
    executionSegment: config.executionSegment,
    executionSegmentSequence: config.executionSegmentSequence,
    dashboard: config.k6Dashboard,
    location,
    log,
    interrupt: config.interrupt,
  };
}

type K6Meta = { exitCodes: number[]; instances: string[]; k6TestRunDurationMs: number[] };

/** After the engine: results, thresholds, baseline comparison, reports, the summary lines, the exit code. */
async function concludeRun(config: LoadConfig, baseline: Baseline | undefined, log: (line: string) => void, secrets: string[], engine: EngineName, run: EngineRun, mock: LoadMockTarget | undefined, k6Meta?: K6Meta): Promise<LoadOutcome> {
  // Error reasons quote the target's answers: a target that echoes the key must not put it in a report.
  const results = redactKnownSecrets(assembleResults(config, engine, run, mock?.faultsDuring(run.startedAt, run.finishedAt) ?? [], k6Meta), secrets);
  results.thresholds = evaluateThresholds(results, config.thresholdRules);
  if (baseline) results.baseline = compareWithBaseline(results, baseline.results, baseline.file, config.maxRegressionPct);
  for (const line of summaryLines(results)) log(line);
  for (const t of results.thresholds) log(`threshold ${t.ok ? 'ok  ' : 'FAIL'} ${t.message}`);
  if (results.baseline) for (const r of results.baseline.rows.filter((row) => row.regression)) log(`baseline REGRESSION ${r.metric}: ${r.baseline} → ${r.current} (${r.deltaPct > 0 ? '+' : ''}${r.deltaPct}%)`);
  const failed = results.thresholds.some((t) => !t.ok) || results.baseline?.ok === false || !(results.rate.held || results.rate.allowShortfall);
  // An interrupted run is not a verdict either way: exit 2 (harness-error class), as `conform` does.
  if (results.run.incomplete) {
    const i = results.run.incomplete;
    log(`INCOMPLETE: interrupted by ${i.signal}${i.aborted ? ' (aborted)' : ''} after ${(i.actualDurationMs / 1000).toFixed(1)}s of ${(i.plannedDurationMs / 1000).toFixed(1)}s; the reports hold what was recorded`);
    return { exitCode: EXIT.usage, results, secrets };
  }
  return { exitCode: failed ? EXIT.thresholds : EXIT.ok, results, secrets };
}

/** The end-of-run summary a performance engineer reads first: totals, then latency per stage. */
function summaryLines(results: LoadResults): string[] {
  const t = results.totals;
  const lines = [
    ...results.faults.map((f) => `injected fault: ${describeFault(f)}: errors it caused are the mock's, not the target's`),
    `iterations ${t.iterations} (${t.achievedRate.toFixed(1)}/s over ${(results.run.durationMs / 1000).toFixed(2)} s), failed ${t.iterationsFailed}, dropped ${t.droppedIterations}; ` +
      `http ${t.httpReqs} requests, ${t.httpReqFailed} failed; checks ${t.checksPassed} ok, ${t.checksFailed} failed`,
    ...rateLines(results.rate),
  ];
  for (const name of STAGE_NAMES) {
    const stage = results.stages[name];
    if (!stage || stage.count === 0) continue;
    const l = stage.latencyMs;
    lines.push(`  ${name.padEnd(13)} n=${stage.count} errors=${stage.errors} med=${l.med.toFixed(1)}ms p95=${l.p95.toFixed(1)}ms p99=${l.p99.toFixed(1)}ms max=${l.max.toFixed(1)}ms`);
  }
  return lines;
}

function assembleResults(config: LoadConfig, engine: EngineName, run: EngineRun, faults: InjectedFault[], k6?: K6Meta): LoadResults {
  const schedule = scheduleOf(config);
  const { rate, windowMs } = assembleRate(run.measurements, {
    engine,
    schedule,
    scheduleStartAt: run.scheduleStartAt,
    // The engine says where it stopped starting iterations; k6's interrupted runs end when k6 stopped.
    endMs: run.scheduleEndMs ?? (run.interrupted ? Math.min(schedule.totalMs, run.interrupted.actualDurationMs) : schedule.totalMs),
    share: config.executionSegment ? segmentShare(config.executionSegment) : 1,
    maxVUs: config.maxVUs,
    maxStartDelayMs: config.maxStartDelayMs,
    allowShortfall: config.allowRateShortfall,
    generator: run.generator,
    maxVUsWarning: run.maxVUsWarning,
  });
  const frozen = run.measurements.freeze(windowMs);
  return {
    kind: LOAD_RESULTS_KIND,
    schemaVersion: LOAD_RESULTS_VERSION,
    scenario: config.scenario,
    engine,
    target: config.target === 'mock' ? 'mock' : redactUrl(config.target),
    options: {
      scenario: config.scenario,
      rate: config.rate,
      stages: config.stages,
      durationMs: config.durationMs,
      fileSizes: config.fileSizes,
      mix: config.mix,
      maxVUs: config.maxVUs,
      maxStartDelayMs: config.maxStartDelayMs,
      thresholds: config.thresholds,
      executionSegment: config.executionSegment,
    },
    run: {
      id: randomUUID(),
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: new Date(run.finishedAt).toISOString(),
      durationMs: round3(windowMs),
      harnessVersion: HARNESS_VERSION,
      nodeVersion: process.version,
      hostname: hostname(),
      instances: k6?.instances.length ? k6.instances : ['0'],
      ...(k6 ? { k6ExitCode: Math.max(...k6.exitCodes), k6TestRunDurationMs: k6.k6TestRunDurationMs } : {}),
      ...(run.interrupted
        ? { incomplete: { signal: config.interrupt?.signal ?? 'SIGINT', aborted: run.interrupted.aborted, plannedDurationMs: config.durationMs, actualDurationMs: Math.round(run.interrupted.actualDurationMs) } }
        : {}),
    },
    ...frozen,
    thresholds: [],
    rate,
    faults,
  };
}

interface Baseline {
  file: string;
  results: LoadResults;
}

function readBaseline(file: string): Baseline {
  return { file, results: readResultsFile(file, { olderVersions: true }) };
}
