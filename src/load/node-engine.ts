// The node engine: the scenarios/flows run with undici under an open-model arrival-rate executor
// (k6's constant-/ramping-arrival-rate semantics): an iteration starts when it is due if fewer than
// maxVUs are in flight, otherwise it is counted as dropped. Workers (≈ k6 VUs) are reused, so per-VU
// setup (the candidate) happens once per worker. Nothing on the iteration path logs or allocates payloads.
// Each stage and iteration is recorded twice: service time (from the actual send) and latency from the
// intended start (docs/decisions/0035-latency-from-intended-start.md).
import { createFlow, type Flow, type FlowConfig, type Stage, type StageObserver, type Transport, type WorkerState } from '../../scenarios/flows/index.ts';
import { Recorder } from './recorder.ts';
import type { Schedule } from './schedule.ts';
import { createNodeEngineTransport } from './node-engine-transport.ts';
import { percentileMs } from '../results/index.ts';

export interface NodeEngineOptions {
  flow: FlowConfig;
  schedule: Schedule;
  maxVUs: number;
  /** Progress line writer (stderr by default); null silences it. */
  progress?: ProgressSink | null;
  /** Extra time for in-flight iterations after the schedule ends (k6 gracefulStop, default 30 s). */
  gracefulStopMs?: number;
  /** Aborted: start no more iterations, give in-flight ones the graceful stop (first Ctrl-C). */
  stop?: AbortSignal;
  /** Aborted: end at once, in-flight iterations are cut off (second Ctrl-C). */
  abort?: AbortSignal;
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
  /** Set when a stop signal ended the run before its schedule did. */
  interrupted?: { aborted: boolean; actualDurationMs: number };
  /** Node engine: how the arrival loop waited for sub-millisecond arrivals, spinning (nothing in flight) or on the next completion. */
  arrivalWaits?: { spin: number; completion: number };
}

type ArrivalWaits = NonNullable<EngineRun['arrivalWaits']>;

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((r) => {
    if (signal?.aborted) return r();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      r();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
const yieldNow = () => new Promise<void>((r) => setImmediate(r));
/** Most iterations started in one pass before the engine yields to the event loop. */
const BATCH = 64;

/** The run's clock: performance.now() offsets from the start, and their wall-clock (epoch) values. */
interface RunClock {
  startedAt: number;
  t0: number;
  elapsed(): number;
  epochOf(elapsedMs: number): number;
}

function startClock(): RunClock {
  const startedAt = Date.now();
  const t0 = performance.now();
  return { startedAt, t0, elapsed: () => performance.now() - t0, epochOf: (ms) => startedAt + ms };
}

/**
 * Per iteration, the stage observer that records service time and latency from the intended start.
 * The first stage is intended to start when the iteration was due; each later stage when the one
 * before would have ended had it started on time (its intended start plus its service time). So a
 * late start (a stalled event loop or target) adds to every stage it delays, as wrk2 corrects one
 * request; the intended latency is never below the service time.
 */
class IntendedStageObserver implements StageObserver {
  private intendedStart: number;
  constructor(
    private readonly recorder: Recorder,
    private readonly clock: RunClock,
    dueMs: number,
  ) {
    this.intendedStart = dueMs;
  }

  stage(stage: Stage, ok: boolean, durationMs: number, sent: number, received: number, reason?: string): void {
    const now = this.clock.elapsed();
    this.recorder.request(stage, ok, durationMs, sent, received, this.clock.epochOf(now), reason);
    this.recorder.check(ok);
    this.recorder.intendedStage(stage, ok, Math.max(durationMs, now - this.intendedStart));
    this.intendedStart += durationMs;
  }
}

/** Runs iterations on reused workers (≈ k6 VUs) and tracks how many are in flight. */
class IterationPool {
  private readonly free: WorkerState[] = [];
  private workers = 0;
  active = 0;
  private drained: (() => void) | undefined;
  private waiter: (() => void) | undefined;

  constructor(
    private readonly flow: Flow,
    private readonly transport: Transport,
    private readonly recorder: Recorder,
    private readonly clock: RunClock,
  ) {}

  async run(k: number, dueMs: number): Promise<void> {
    const worker = this.free.pop() ?? this.flow.newWorker(++this.workers);
    this.active++;
    const start = this.clock.elapsed();
    this.recorder.iterationStarted(this.clock.epochOf(start));
    let ok: boolean;
    try {
      ok = await this.flow.iterate(this.transport, new IntendedStageObserver(this.recorder, this.clock, dueMs), worker, k);
    } catch {
      ok = false;
    }
    const end = this.clock.elapsed();
    this.recorder.iterationDone(ok, end - start, this.clock.epochOf(end));
    this.recorder.intendedIterationDone(ok, Math.max(end - start, end - dueMs));
    this.free.push(worker);
    this.active--;
    this.wake();
    if (this.active === 0 && this.drained) this.drained();
  }

  /** Resolves when the next iteration ends, or when wake() is called (the arrival loop's timer). */
  nextCompletion(): Promise<void> {
    return new Promise<void>((r) => (this.waiter = r));
  }

  wake(): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w();
    }
  }

  /** Resolves when no iteration is in flight, after `graceMs`, or when `abort` fires. */
  async drain(graceMs: number, abort?: AbortSignal): Promise<void> {
    if (this.active === 0) return;
    // The grace timer is cancelled once the pool drains: a pending timer would keep the process alive.
    const grace = new AbortController();
    const onAbort = () => grace.abort();
    if (abort?.aborted) return;
    abort?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([new Promise<void>((r) => (this.drained = r)), sleep(graceMs, grace.signal)]);
    } finally {
      abort?.removeEventListener('abort', onAbort);
      grace.abort();
    }
  }
}

/**
 * Starts every iteration when it is due, until the schedule ends or `stop` fires. Each pass starts
 * every iteration that is due by the clock (in order, up to BATCH), then yields to the event loop so
 * responses and timers get in. An iteration that finds every VU busy is not dropped at once: the pass
 * ends and the engine lets pending I/O complete first (responses that already arrived free their
 * VUs); only iterations that still find no free VU after that count as dropped. So a drop means
 * maxVUs really were exhausted, not that the loop had not looked yet.
 *
 * Waiting for an arrival less than a millisecond away (timers have 1 ms resolution): with nothing in
 * flight the loop spins on setImmediate, so a lone arrival starts within microseconds; with
 * iterations in flight it waits for the next one to end (or 1 ms at most) instead, as the stream of
 * responses at high rates wakes it every few microseconds — spinning there would burn the CPU that the
 * iterations, and on a shared machine the target, need (decision 0102).
 */
async function startArrivals(schedule: Schedule, maxVUs: number, pool: IterationPool, recorder: Recorder, clock: RunClock, waits: ArrivalWaits, stop?: AbortSignal): Promise<void> {
  let k = 0;
  let due = schedule.dueMs(0);
  let afterExhausted = false;
  // One timer for every sub-millisecond wait, re-armed (refresh) rather than created per wait.
  let tick: NodeJS.Timeout | undefined;
  try {
    while (due < schedule.totalMs && !stop?.aborted) {
      const now = clock.elapsed();
      const wait = due - now;
      if (wait >= 1) {
        await sleep(wait, stop);
        continue;
      }
      if (wait > 0) {
        if (pool.active === 0) {
          waits.spin++;
          await yieldNow();
        } else {
          waits.completion++;
          if (tick) tick.refresh();
          else tick = setTimeout(() => pool.wake(), 1);
          await pool.nextCompletion();
        }
        continue;
      }
      let exhausted = false;
      for (let n = 0; n < BATCH && due <= now && due < schedule.totalMs; n++) {
        if (pool.active < maxVUs) void pool.run(k, due);
        else if (afterExhausted) recorder.droppedIteration(clock.epochOf(now));
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
  } finally {
    if (tick) clearTimeout(tick);
  }
  const rest = schedule.totalMs - clock.elapsed();
  if (rest > 0) await sleep(rest, stop);
}

export async function runNodeEngine(options: NodeEngineOptions): Promise<EngineRun> {
  const flow = createFlow(options.flow); // payloads are generated here, before the clock starts
  const transport = createNodeEngineTransport(Math.max(1, options.maxVUs));
  // The first connections are set up before the clock starts (decision 0101): a run does not begin
  // with every early iteration queued behind connects. Failures here are not errors of the run: the
  // first request that needs a connection meets (and records) them.
  await transport.preconnect(options.flow.baseUrl).catch(() => undefined);
  const clock = startClock();
  const recorder = new Recorder(clock.startedAt);
  const pool = new IterationPool(flow, transport, recorder, clock);
  const arrivalWaits: ArrivalWaits = { spin: 0, completion: 0 };
  const { schedule, stop, abort } = options;
  const progress = options.progress === undefined ? { write: (s: string) => process.stderr.write(s), tty: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR } : options.progress;
  const ticker = progress ? setInterval(() => progressLine(progress, recorder, clock.elapsed(), schedule.totalMs), 1000) : undefined;
  try {
    await startArrivals(schedule, options.maxVUs, pool, recorder, clock, arrivalWaits, stop);
    await pool.drain(options.gracefulStopMs ?? 30_000, abort);
  } finally {
    if (ticker) clearInterval(ticker);
    if (progress) progressLine(progress, recorder, clock.elapsed(), schedule.totalMs, true);
    // Iterations still running after the graceful stop are aborted, not waited for (as k6 does).
    await (pool.active > 0 ? transport.destroy() : transport.close()).catch(() => undefined);
  }
  const finishedAt = Date.now();
  const actualDurationMs = clock.elapsed();
  const interrupted = stop?.aborted && actualDurationMs < schedule.totalMs ? { aborted: abort?.aborted === true, actualDurationMs } : undefined;
  // The achieved rate is measured over the scheduled window, as k6's iterations rate is; an
  // interrupted run over the time it actually ran.
  const durationMs = Math.max(interrupted ? Math.min(actualDurationMs, schedule.totalMs) : schedule.totalMs, 1);
  return { recorder, startedAt: clock.startedAt, finishedAt, durationMs, arrivalWaits, ...(interrupted ? { interrupted } : {}) };
}

function progressLine(sink: ProgressSink, r: Recorder, elapsedMs: number, totalMs: number, final = false): void {
  const s = elapsedMs / 1000;
  const rate = s > 0 ? r.iterations / s : 0;
  const line = `load ${Math.min(s, totalMs / 1000).toFixed(0)}s/${(totalMs / 1000).toFixed(0)}s  ${rate.toFixed(1)} it/s  iterations ${r.iterations}  errors ${r.http.errors}  dropped ${r.dropped}  p95 ${percentileMs(r.httpHistogram(), 95).toFixed(1)}ms`;
  if (sink.tty) sink.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
  else sink.write(`${line}\n`);
}
