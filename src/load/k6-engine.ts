// The k6 engine: finds k6 (K6_BIN, PATH, or grafana/k6 through docker), compiles the bundles, runs
// `k6 run --no-usage-report --quiet --out json=<file>` with target/keys/options as `-e` variables,
// optionally as N execution segments, and reads the raw points back into the shared results model.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { HarnessError } from '../config/errors.ts';
import { encodeK6Env, K6_ENV, type ScenarioName } from '../../scenarios/flows/index.ts';
import { buildK6Bundles } from './build.ts';
import type { EngineRun } from './node-engine.ts';
import { LoadMeasurements } from './measurements.ts';
import { readK6Points, scanK6Times } from './k6-output.ts';
import type { RateStage } from './schedule.ts';
import type { RunInterrupt } from '../config/interrupt.ts';

const K6_DOCKER_IMAGE = 'grafana/k6:latest';

export interface K6Location {
  kind: 'binary' | 'docker';
  path: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** K6_BIN, else `k6` on PATH; undefined when neither exists. */
export function findK6(env: NodeJS.ProcessEnv = process.env): K6Location | undefined {
  if (env.K6_BIN) return isExecutable(env.K6_BIN) ? { kind: 'binary', path: resolve(env.K6_BIN) } : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'k6'))) return { kind: 'binary', path: join(dir, 'k6') };
  }
  return undefined;
}

export function findDocker(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && isExecutable(join(dir, 'docker'))) return join(dir, 'docker');
  return undefined;
}

export interface K6RunOptions {
  scenario: ScenarioName;
  baseUrl: string;
  apiKey: string;
  jobPostingId?: string;
  rate?: number;
  stages?: RateStage[];
  startRate?: number;
  durationMs: number;
  maxVUs: number;
  fileSizes: string;
  mix: string;
  k6Thresholds: Record<string, string[]>;
  reportDir: string;
  segments: number;
  executionSegment?: string;
  executionSegmentSequence?: string;
  dashboard: boolean;
  location: K6Location;
  log: (line: string) => void;
  /** Forwarded to every k6 process: k6 stops gracefully on the first signal, at once on the second. */
  interrupt?: RunInterrupt;
}

/** k6's exit code for a run stopped by SIGINT/SIGTERM (errext/exitcodes: ExternalAbort). */
const K6_EXTERNAL_ABORT = 105;

/** `0,1/3,2/3,1` and the per-instance `a:b` segments for N equal parts. */
export function segmentPlan(n: number): { sequence: string; segments: string[] } {
  const frac = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const points = Array.from({ length: n + 1 }, (_, i) => frac(i));
  return { sequence: points.join(','), segments: points.slice(0, -1).map((p, i) => `${p}:${points[i + 1]}`) };
}

export interface K6Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  outFile: string;
  summaryFile: string;
}

/** The exact commands the engine runs (also printed by --print-commands for N machines). */
export function k6Invocations(o: K6RunOptions, bundle: string): K6Invocation[] {
  const plan = o.segments > 1 ? segmentPlan(o.segments) : undefined;
  const count = plan ? o.segments : 1;
  const out: K6Invocation[] = [];
  for (let i = 0; i < count; i++) {
    const suffix = count > 1 ? `-${i}` : '';
    // Absolute paths: k6 resolves output paths on its side (and inside a container for --k6-docker).
    const outFile = join(resolve(o.reportDir), `k6-points${suffix}.json`);
    const summaryFile = join(resolve(o.reportDir), `k6-summary${suffix}.json`);
    const vars = encodeK6Env({
      baseUrl: o.baseUrl,
      rate: o.rate,
      stages: o.stages,
      startRate: o.startRate,
      durationMs: o.durationMs,
      maxVUs: o.maxVUs,
      fileSizes: o.fileSizes,
      mix: o.mix,
      jobPostingId: o.jobPostingId,
      thresholds: o.k6Thresholds,
      summary: summaryFile,
    });
    const args = ['run', '--no-usage-report', '--quiet', '--out', `json=${outFile}`];
    for (const [k, v] of Object.entries(vars)) args.push('-e', `${k}=${v}`);
    if (plan) args.push('--execution-segment', plan.segments[i]!, '--execution-segment-sequence', plan.sequence, '--tag', `instance_id=${i}`);
    else if (o.executionSegment) {
      args.push('--execution-segment', o.executionSegment);
      if (o.executionSegmentSequence) args.push('--execution-segment-sequence', o.executionSegmentSequence);
    }
    args.push(bundle);
    // The key travels in the environment (k6 includes system env vars in __ENV), not in argv.
    const env: Record<string, string> = { K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false', [K6_ENV.apiKey]: o.apiKey };
    if (o.dashboard && i === 0) {
      Object.assign(env, { K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_HOST: '127.0.0.1', K6_WEB_DASHBOARD_PORT: '0', K6_WEB_DASHBOARD_PERIOD: '1s', K6_WEB_DASHBOARD_EXPORT: join(resolve(o.reportDir), 'k6-dashboard.html') });
    }
    out.push({ command: o.location.path, args, env, outFile, summaryFile });
  }
  return out;
}

/** Docker form of one invocation: the bundle and report folders mounted at the same paths. */
function viaDocker(inv: K6Invocation, docker: string, mounts: string[]): K6Invocation {
  const args = ['run', '--rm', '--network', 'host', '-u', `${process.getuid?.() ?? 0}`];
  for (const m of mounts) args.push('-v', `${m}:${m}`);
  for (const k of Object.keys(inv.env)) args.push('-e', k); // values come from the docker client's env
  args.push(K6_DOCKER_IMAGE, ...inv.args);
  return { ...inv, command: docker, args };
}

/** Shell-quoted form for --print-commands (the API key replaced by a variable reference). */
export function formatCommand(inv: K6Invocation): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(inv.env).map(([k, v]) => (k === K6_ENV.apiKey ? `${K6_ENV.apiKey}="$ASHBY_API_KEY"` : `${k}=${q(v)}`));
  return [...env, q(inv.command), ...inv.args.map(q)].join(' ');
}

export async function prepareK6(o: K6RunOptions): Promise<K6Invocation[]> {
  mkdirSync(o.reportDir, { recursive: true });
  const bundles = await buildK6Bundles({ scenarios: [o.scenario] });
  const invocations = k6Invocations(o, bundles[o.scenario]);
  if (o.location.kind === 'docker') return invocations.map((inv) => viaDocker(inv, o.location.path, [resolve(bundles[o.scenario], '..'), resolve(o.reportDir)]));
  return invocations;
}

export interface K6EngineRun extends EngineRun {
  exitCodes: number[];
  instances: string[];
  /** k6's own run duration per process, from the handleSummary output (state.testRunDurationMs). */
  k6TestRunDurationMs: number[];
}

/** The handleSummary JSON each process wrote; a missing or torn file is reported as absent. */
function readSummaryDurations(files: readonly string[]): number[] {
  const out: number[] = [];
  for (const f of files) {
    try {
      const d = (JSON.parse(readFileSync(f, 'utf8')) as { state?: { testRunDurationMs?: number } }).state?.testRunDurationMs;
      if (typeof d === 'number') out.push(d);
    } catch {
      // k6 writes the summary last; an aborted run may not have one
    }
  }
  return out;
}

export async function runK6Engine(o: K6RunOptions): Promise<K6EngineRun> {
  const invocations = await prepareK6(o);
  const startedAt = Date.now();
  const warnings: string[] = [];
  const exitCodes = await Promise.all(invocations.map((inv) => spawnK6(inv, o.log, warnings, o.interrupt)));
  const finishedAt = Date.now();
  const files = invocations.map((i) => i.outFile).filter((f) => existsSync(f));
  const interrupted = o.interrupt?.stop.aborted === true;
  // Exit 99 (thresholds failed) is a complete run; 105 is k6 stopped by the signal we forwarded (its
  // points up to then are read); any other failure is a harness error, never success.
  const bad = exitCodes.find((c) => c !== 0 && c !== 99 && !(interrupted && c === K6_EXTERNAL_ABORT));
  if (bad !== undefined || (!interrupted && files.length < invocations.length)) {
    throw new HarnessError('k6-failed', `k6 exited with code ${bad ?? exitCodes[0]}${files.length < invocations.length ? ' and wrote no results' : ''}`);
  }
  const info = await scanK6Times(files);
  const measurements = new LoadMeasurements(Number.isFinite(info.firstEpochMs) ? info.firstEpochMs : startedAt);
  await readK6Points(files, measurements);
  const plannedMs = o.stages ? o.stages.reduce((a, s) => a + s.durationMs, 0) : o.durationMs;
  const k6TestRunDurationMs = readSummaryDurations(invocations.map((i) => i.summaryFile));
  const actualDurationMs = k6TestRunDurationMs.length > 0 ? Math.max(...k6TestRunDurationMs) : finishedAt - startedAt;
  const stopped = interrupted ? { interrupted: { aborted: o.interrupt!.abort.aborted, actualDurationMs } } : {};
  const durationMs = interrupted ? Math.max(1, Math.min(plannedMs, actualDurationMs)) : plannedMs;
  // k6 starts iteration 0 when its scenario starts: the schedule's time 0 is the first iteration's start.
  const scheduleStartAt = Number.isFinite(measurements.firstStartAt) ? measurements.firstStartAt : startedAt;
  const maxVUsWarning = warnings[0];
  return { measurements, startedAt, finishedAt, durationMs, scheduleStartAt, exitCodes, instances: [...info.instances].sort(), k6TestRunDurationMs, ...(maxVUsWarning ? { maxVUsWarning } : {}), ...stopped };
}

/** k6's warning when an arrival-rate executor has no VU left to start an iteration with (k6 executor source). */
const K6_MAX_VUS_WARNING = /Insufficient VUs, reached \d+ active VUs and cannot initialize more/;

function spawnK6(inv: K6Invocation, log: (line: string) => void, warnings: string[], interrupt?: RunInterrupt): Promise<number> {
  return new Promise((resolveExit, reject) => {
    // detached: k6 gets its own process group, so a terminal's Ctrl-C reaches it once (forwarded below),
    // not twice (which k6 would take as "abort at once").
    const child = spawn(inv.command, inv.args, { env: { ...process.env, ...inv.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    // The same signal k6 would get from a terminal: once to stop gracefully, again to stop at once.
    const forward = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(interrupt?.signal ?? 'SIGINT');
    };
    if (interrupt?.stop.aborted) forward();
    interrupt?.stop.addEventListener('abort', forward, { once: true });
    interrupt?.abort.addEventListener('abort', forward, { once: true });
    child.on('close', () => {
      interrupt?.stop.removeEventListener('abort', forward);
      interrupt?.abort.removeEventListener('abort', forward);
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        log(`k6: ${line}`);
        const warning = K6_MAX_VUS_WARNING.exec(line);
        if (warning) warnings.push(warning[0]);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (err) => reject(new HarnessError('k6-not-runnable', `cannot run ${inv.command}: ${err.message}`)));
    child.on('close', (code) => resolveExit(code ?? 1));
  });
}
