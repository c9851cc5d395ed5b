// One load run end to end: resolve the target (embedded mock or a base URL), pick the engine, run it,
// assemble the results JSON, evaluate thresholds and the baseline, write the reports, pick the exit code.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { redactUrl } from '../config/redact.ts';
import { parseContextMix, parseFileSizeMix, type FlowConfig } from '../../scenarios/flows/index.ts';
import { compareWithBaseline } from './baseline.ts';
import type { LoadConfig } from './config.ts';
import { findDocker, findK6, formatCommand, prepareK6, runK6Engine, type K6Location, type K6RunOptions } from './k6-engine.ts';
import { startEmbeddedMock, type MockHandle } from './mock.ts';
import { runNodeEngine, type EngineRun } from './node-engine.ts';
import { RESULTS_KIND, RESULTS_SCHEMA_VERSION, STAGE_NAMES, isLoadResults, type EngineName, type LoadResults } from './results.ts';
import { constantSchedule, rampingSchedule } from './schedule.ts';
import { evaluateThresholds, INTENDED_SUFFIX, parseThresholdFlag, toK6Thresholds } from './thresholds.ts';
import { writeLoadReports, type LoadReportPaths } from './write-reports.ts';

export const HARNESS_VERSION = '0.1.0';

export interface LoadOutcome {
  exitCode: number;
  results?: LoadResults;
  paths?: LoadReportPaths;
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

export async function runLoad(config: LoadConfig): Promise<LoadOutcome> {
  const log = config.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const thresholds = config.thresholds.flatMap((t) => {
    try {
      return parseThresholdFlag(t);
    } catch (err) {
      throw new UsageError(`--threshold: ${(err as Error).message}`);
    }
  });
  const baseline = config.baseline ? readBaseline(config.baseline) : undefined;
  const choice = chooseEngine(config);
  log(choice.why);
  const intended = thresholds.find((t) => t.base.endsWith(INTENDED_SUFFIX));
  if (intended && choice.engine === 'k6') throw new UsageError(`${intended.base} is measured by the node engine only`, 'use --engine node, or a service-time metric such as ' + intended.base.slice(0, -INTENDED_SUFFIX.length));

  let mock: MockHandle | undefined;
  try {
    let baseUrl: string;
    let apiKey: string;
    let jobPostingId = config.jobPostingId;
    if (config.target === 'mock') {
      mock = await startEmbeddedMock(config.mockFaults);
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
    const flow: FlowConfig = {
      scenario: config.scenario,
      baseUrl,
      apiKey,
      fileSizes: parseFileSizeMix(config.fileSizes),
      contexts: parseContextMix(config.mix),
      jobPostingId,
    };
    if (config.scenario === 'full-flow' && flow.contexts.some((c) => c.value === 'ApplicationForm') && !jobPostingId) {
      throw new UsageError('the form context needs a job posting id', 'pass --job-posting-id, set ASHBY_JOB_POSTING_ID, or drop form from --mix');
    }

    let run: EngineRun;
    let k6Meta: { exitCodes: number[]; instances: string[]; k6TestRunDurationMs: number[] } | undefined;
    if (choice.engine === 'k6') {
      const k6Options: K6RunOptions = {
        scenario: config.scenario,
        baseUrl,
        apiKey,
        jobPostingId,
        rate: config.rate,
        stages: config.stages,
        startRate: config.startRate,
        durationMs: config.durationMs,
        maxVUs: config.maxVUs,
        fileSizes: config.fileSizes,
        mix: config.mix,
        k6Thresholds: toK6Thresholds(thresholds),
        reportDir: config.reportDir,
        segments: config.segments ?? 1,
        executionSegment: config.executionSegment,
        executionSegmentSequence: config.executionSegmentSequence,
        dashboard: config.k6Dashboard,
        location: choice.k6!,
        log,
        interrupt: config.interrupt,
      };
      if (config.printCommands) {
        const commands = (await prepareK6(k6Options)).map(formatCommand);
        return { exitCode: EXIT.ok, commands };
      }
      const k6 = await runK6Engine(k6Options);
      run = k6;
      k6Meta = { exitCodes: k6.exitCodes, instances: k6.instances, k6TestRunDurationMs: k6.k6TestRunDurationMs };
    } else {
      if (config.printCommands) throw new UsageError('--print-commands needs the k6 engine', 'add --engine k6 (or --k6-docker)');
      const schedule = config.stages ? rampingSchedule(config.startRate ?? 0, config.stages) : constantSchedule(config.rate!, config.durationMs);
      run = await runNodeEngine({ flow, schedule, maxVUs: config.maxVUs, progress: config.progress, stop: config.interrupt?.stop, abort: config.interrupt?.abort });
    }

    const results = assembleResults(config, choice.engine, run, k6Meta);
    results.thresholds = evaluateThresholds(results, thresholds);
    if (baseline) results.baseline = compareWithBaseline(results, baseline.results, baseline.file, config.maxRegressionPct);
    const paths = await writeLoadReports(results, config.reportDir);
    for (const line of summaryLines(results)) log(line);
    for (const t of results.thresholds) log(`threshold ${t.ok ? 'ok  ' : 'FAIL'} ${t.message}`);
    if (results.baseline) for (const r of results.baseline.rows.filter((row) => row.regression)) log(`baseline REGRESSION ${r.metric}: ${r.baseline} → ${r.current} (${r.deltaPct > 0 ? '+' : ''}${r.deltaPct}%)`);
    log(`report: ${paths.html}`);
    const failed = results.thresholds.some((t) => !t.ok) || results.baseline?.ok === false;
    // An interrupted run is not a verdict either way: exit 2 (harness-error class), as `conform` does.
    if (results.run.incomplete) {
      const i = results.run.incomplete;
      log(`INCOMPLETE: interrupted by ${i.signal}${i.aborted ? ' (aborted)' : ''} after ${(i.actualDurationMs / 1000).toFixed(1)}s of ${(i.plannedDurationMs / 1000).toFixed(1)}s; the reports hold what was recorded`);
      return { exitCode: EXIT.usage, results, paths };
    }
    return { exitCode: failed ? EXIT.thresholds : EXIT.ok, results, paths };
  } finally {
    // After an abort (second Ctrl-C) the mock may hold answers for a long time (latency faults): do not
    // wait for them; the CLI exits right after the reports are written.
    const closing = mock?.close();
    if (config.interrupt?.abort.aborted) await Promise.race([closing, new Promise((r) => setTimeout(r, 500).unref())]);
    else await closing;
  }
}

/** The end-of-run summary a performance engineer reads first: totals, then latency per stage. */
export function summaryLines(results: LoadResults): string[] {
  const t = results.totals;
  const lines = [
    `iterations ${t.iterations} (${t.achievedRate.toFixed(1)}/s), failed ${t.iterationsFailed}, dropped ${t.droppedIterations}; ` +
      `http ${t.httpReqs} requests, ${t.httpReqFailed} failed; checks ${t.checksPassed} ok, ${t.checksFailed} failed`,
  ];
  for (const name of STAGE_NAMES) {
    const stage = results.stages[name];
    if (!stage || stage.count === 0) continue;
    const l = stage.latencyMs;
    lines.push(`  ${name.padEnd(13)} n=${stage.count} errors=${stage.errors} med=${l.med.toFixed(1)}ms p95=${l.p95.toFixed(1)}ms p99=${l.p99.toFixed(1)}ms max=${l.max.toFixed(1)}ms`);
  }
  return lines;
}

function assembleResults(config: LoadConfig, engine: EngineName, run: EngineRun, k6?: { exitCodes: number[]; instances: string[]; k6TestRunDurationMs: number[] }): LoadResults {
  const frozen = run.recorder.freeze(run.durationMs);
  return {
    kind: RESULTS_KIND,
    schemaVersion: RESULTS_SCHEMA_VERSION,
    scenario: config.scenario,
    engine,
    target: config.target === 'mock' ? 'mock' : redactUrl(config.target),
    options: {
      scenario: config.scenario,
      rate: config.rate,
      stages: config.stages,
      durationMs: run.durationMs,
      fileSizes: config.fileSizes,
      mix: config.mix,
      maxVUs: config.maxVUs,
      thresholds: config.thresholds,
      executionSegment: config.executionSegment,
    },
    run: {
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: new Date(run.finishedAt).toISOString(),
      durationMs: run.durationMs,
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
  };
}

export function readResultsFile(file: string): LoadResults {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read results file ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isLoadResults(value)) throw new UsageError(`${file} is not an upload-harness load results.json`);
  if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) throw new HarnessError('schema', `${file} has results schema ${value.schemaVersion}, expected ${RESULTS_SCHEMA_VERSION}`);
  return value;
}

function readBaseline(file: string): { file: string; results: LoadResults } {
  return { file, results: readResultsFile(file) };
}
