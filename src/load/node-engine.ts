// The node engine: the scenarios/flows run with undici under an open-model arrival-rate executor
// (k6's constant-/ramping-arrival-rate semantics): an iteration starts when it is due if fewer than
// maxVUs are in flight, otherwise it is counted as dropped. Workers (≈ k6 VUs) are reused, so per-VU
// setup (the candidate) happens once per worker. Nothing on the iteration path logs or allocates payloads.
import { createFlow, type FlowConfig, type StageObserver, type WorkerState } from '../../scenarios/flows/index.ts';
import { Recorder } from './recorder.ts';
import type { Schedule } from './schedule.ts';
import { createUndiciTransport } from './undici-transport.ts';
import { percentileMs } from '../results/index.ts';

export interface NodeEngineOptions {
  flow: FlowConfig;
  schedule: Schedule;
  maxVUs: number;
  /** Progress line writer (stderr by default); null silences it. */
  progress?: ProgressSink | null;
  /** Extra time for in-flight iterations after the schedule ends (k6 gracefulStop, default 30 s). */
  gracefulStopMs?: number;
}

export interface ProgressSink {
  write(text: string): void;
  tty: boolean;
}

export interface EngineRun {
  recorder: Recorder;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldNow = () => new Promise<void>((r) => setImmediate(r));
/** Most iterations started in one pass before the engine yields to the event loop. */
const BATCH = 64;

export async function runNodeEngine(options: NodeEngineOptions): Promise<EngineRun> {
  const flow = createFlow(options.flow); // payloads are generated here, before the clock starts
  const transport = createUndiciTransport(Math.max(1, options.maxVUs));
  const startedAt = Date.now();
  const t0 = performance.now();
  const recorder = new Recorder(startedAt);
  const epoch = () => startedAt + (performance.now() - t0);
  const observer: StageObserver = {
    stage(stage, ok, durationMs, sent, received, reason) {
      recorder.request(stage, ok, durationMs, sent, received, epoch(), reason);
      recorder.check(ok);
    },
  };
  const free: WorkerState[] = [];
  let workers = 0;
  let active = 0;
  let drained: (() => void) | undefined;

  const runIteration = async (k: number) => {
    const worker = free.pop() ?? flow.newWorker(++workers);
    active++;
    const start = performance.now();
    recorder.iterationStarted(startedAt + (start - t0));
    let ok = false;
    try {
      ok = await flow.iterate(transport, observer, worker, k);
    } catch {
      ok = false;
    }
    const end = performance.now();
    recorder.iterationDone(ok, end - start, startedAt + (end - t0));
    free.push(worker);
    active--;
    if (active === 0 && drained) drained();
  };

  const progress = options.progress === undefined ? { write: (s: string) => process.stderr.write(s), tty: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR } : options.progress;
  const ticker = progress ? setInterval(() => progressLine(progress, recorder, performance.now() - t0, options.schedule.totalMs), 1000) : undefined;

  const { schedule, maxVUs } = options;
  try {
    // Each pass starts every iteration that is due by the clock (in order, up to BATCH), then yields
    // to the event loop so responses and timers get in. An iteration that finds every VU busy is not
    // dropped at once: the pass ends and the engine lets pending I/O complete first (responses that
    // already arrived free their VUs); only iterations that still find no free VU after that count
    // as dropped. So a drop means maxVUs really were exhausted, not that the loop had not looked yet.
    let k = 0;
    let due = schedule.dueMs(0);
    let afterExhausted = false;
    while (due < schedule.totalMs) {
      const now = performance.now() - t0;
      const wait = due - now;
      if (wait >= 1) {
        await sleep(wait);
        continue;
      }
      if (wait > 0) {
        await yieldNow(); // sub-ms: spin on the event loop
        continue;
      }
      let exhausted = false;
      for (let n = 0; n < BATCH && due <= now && due < schedule.totalMs; n++) {
        if (active < maxVUs) void runIteration(k);
        else if (afterExhausted) recorder.droppedIteration(startedAt + now);
        else {
          exhausted = true; // look again after the event loop turn
          break;
        }
        k++;
        due = schedule.dueMs(k);
      }
      afterExhausted = exhausted;
      await yieldNow();
    }
    const rest = schedule.totalMs - (performance.now() - t0);
    if (rest > 0) await sleep(rest);
    if (active > 0) {
      const grace = options.gracefulStopMs ?? 30_000;
      await Promise.race([new Promise<void>((r) => (drained = r)), sleep(grace)]);
    }
  } finally {
    if (ticker) clearInterval(ticker);
    if (progress) progressLine(progress, recorder, performance.now() - t0, schedule.totalMs, true);
    // Iterations still running after the graceful stop are aborted, not waited for (as k6 does).
    await (active > 0 ? transport.destroy() : transport.close()).catch(() => undefined);
  }
  const finishedAt = Date.now();
  // The achieved rate is measured over the scheduled window, as k6's iterations rate is.
  return { recorder, startedAt, finishedAt, durationMs: Math.max(schedule.totalMs, 1) };
}

function progressLine(sink: ProgressSink, r: Recorder, elapsedMs: number, totalMs: number, final = false): void {
  const s = elapsedMs / 1000;
  const rate = s > 0 ? r.iterations / s : 0;
  const line = `load ${Math.min(s, totalMs / 1000).toFixed(0)}s/${(totalMs / 1000).toFixed(0)}s  ${rate.toFixed(1)} it/s  iterations ${r.iterations}  errors ${r.http.errors}  dropped ${r.dropped}  p95 ${percentileMs(r.http.h, 95).toFixed(1)}ms`;
  if (sink.tty) sink.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
  else sink.write(`${line}\n`);
}
