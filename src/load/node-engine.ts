// The node engine: the scenarios/flows run with undici under an open-model arrival-rate executor
// (k6's constant-/ramping-arrival-rate semantics): an iteration starts when it is due if fewer than
// maxVUs are in flight, otherwise it is counted as dropped. Workers (≈ k6 VUs) are reused, so per-VU
// setup (the candidate) happens once per worker. Nothing on the iteration path logs or allocates payloads.
// Each stage and iteration is recorded twice: service time (from the actual send) and latency from the
// intended start (docs/decisions/0035-latency-from-intended-start.md). Every start's delay is recorded
// too; the rate the run held is judged from these by src/load/rate.ts.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createFlow, type Flow, type FlowConfig, type Stage, type StageObserver, type Transport, type WorkerState } from '../../scenarios/flows/index.ts';
import { recordNotStarted } from './rate.ts';
import { LoadMeasurements } from './measurements.ts';
import type { Schedule } from './schedule.ts';
import { createNodeEngineTransport } from './node-engine-transport.ts';
import { percentileMs, type RateRecord } from '../results/index.ts';

export interface NodeEngineOptions {
  flow: FlowConfig;
  schedule: Schedule;
  maxVUs: number;
  /**
   * An iteration starting later than this after its due time counts as late (default 1 s). It is also
   * how long after the schedule's end the engine still starts iterations it is behind on; the ones it
   * has not started by then are dropped (counted as not started), not started ever later.
   */
  maxStartDelayMs?: number;
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
  measurements: LoadMeasurements;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
  /** Set when a stop signal ended the run before its schedule did. */
  interrupted?: { aborted: boolean; actualDurationMs: number };
  /** Node engine: how the arrival loop waited for sub-millisecond arrivals, spinning (nothing in flight) or on the next completion. */
  arrivalWaits?: { spin: number; completion: number };
  /** Epoch ms of the schedule's time 0 (its due times are offsets from it). */
  scheduleStartAt: number;
  /** Where the engine cut the schedule, in ms after its time 0 (the stop signal); absent: its end. */
  scheduleEndMs?: number;
  /** Node engine: the harness process's own load during the run (a saturated generator holds no rate). */
  generator?: RateRecord['generator'];
  /** k6's own warning when its VUs ran out ("Insufficient VUs, …"). */
  maxVUsWarning?: string;
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
export interface RunClock {
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
 *
 * It also records the iteration's start delay, once: from its due time to when its first request went
 * out (the call, plus any wait for a free connection), as the target sees it — after a stall the
 * overdue iterations start at once but their requests can still queue for connections.
 */
class IntendedStageObserver implements StageObserver {
  private intendedStart: number;
  private delayed = false;
  constructor(
    private readonly measurements: LoadMeasurements,
    private readonly clock: RunClock,
    private readonly dueMs: number,
    private readonly maxStartDelayMs: number,
  ) {
    this.intendedStart = dueMs;
  }

  stage(stage: Stage, ok: boolean, durationMs: number, sent: number, received: number, reason?: string, queuedMs = 0): void {
    const now = this.clock.elapsed();
    if (!this.delayed) this.startDelayed(now - durationMs + queuedMs);
    this.measurements.request(stage, ok, durationMs, sent, received, this.clock.epochOf(now), reason);
    this.measurements.check(ok);
    this.measurements.intendedStage(stage, ok, Math.max(durationMs, now - this.intendedStart));
    this.intendedStart += durationMs;
  }

  /** The start delay, when the first request went out at `sentMs` (or, without any request, the iteration started). */
  startDelayed(sentMs: number): void {
    if (this.delayed) return;
    this.delayed = true;
    const delay = Math.max(0, sentMs - this.dueMs);
    this.measurements.startDelayed(delay, delay > this.maxStartDelayMs, this.clock.epochOf(sentMs));
  }
}

/** What the arrival loop needs of the pool: how many are in flight, starting one, waiting for one to end. */
export type ArrivalPool = Pick<IterationPool, 'active' | 'run' | 'wake' | 'nextCompletion'>;

/** Runs iterations on reused workers (≈ k6 VUs) and tracks how many are in flight. */
class IterationPool {
  private readonly free: WorkerState[] = [];
  private workers = 0;
  active = 0;
  /** Most iterations in flight at once. */
  peak = 0;
  private drained: (() => void) | undefined;
  private waiter: (() => void) | undefined;

  constructor(
    private readonly flow: Flow,
    private readonly transport: Transport,
    private readonly measurements: LoadMeasurements,
    private readonly clock: RunClock,
    private readonly maxStartDelayMs: number,
  ) {}

  async run(k: number, dueMs: number): Promise<void> {
    const worker = this.free.pop() ?? this.flow.newWorker(++this.workers);
    if (++this.active > this.peak) this.peak = this.active;
    const start = this.clock.elapsed();
    this.measurements.iterationStarted(this.clock.epochOf(start));
    const observer = new IntendedStageObserver(this.measurements, this.clock, dueMs, this.maxStartDelayMs);
    let ok: boolean;
    try {
      ok = await this.flow.iterate(this.transport, observer, worker, k);
    } catch {
      ok = false;
    }
    observer.startDelayed(start); // an iteration that ended before any request

    const end = this.clock.elapsed();
    this.measurements.iterationDone(ok, end - start, this.clock.epochOf(end));
    this.measurements.intendedIterationDone(ok, Math.max(end - start, end - dueMs));
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
 * A generator that falls behind (a saturated or stalled event loop) starts the overdue iterations late,
 * each counted late beyond `maxStartDelayMs`; once the schedule has ended and `maxStartDelayMs` more has
 * passed, it stops: what it has not started by then is counted as dropped (not started), so a run
 * never runs on for many times its duration to catch up. Returns how many iterations were handled
 * (started or dropped), in due order.
 *
 * Waiting for an arrival less than a millisecond away (timers have 1 ms resolution): with nothing in
 * flight the loop spins on setImmediate, so a lone arrival starts within microseconds; with
 * iterations in flight it waits for the next one to end (or 1 ms at most) instead, as the stream of
 * responses at high rates wakes it every few microseconds — spinning there would burn the CPU that the
 * iterations, and on a shared machine the target, need (decision 0102).
 */
export async function startArrivals(schedule: Schedule, maxVUs: number, maxStartDelayMs: number, pool: ArrivalPool, measurements: Pick<LoadMeasurements, 'droppedIteration'>, clock: RunClock, waits: ArrivalWaits, stop?: AbortSignal): Promise<number> {
  let k = 0;
  let due = schedule.dueMs(0);
  let afterExhausted = false;
  const startBy = schedule.totalMs + maxStartDelayMs;
  // One timer for every sub-millisecond wait, re-armed (refresh) rather than created per wait.
  let tick: NodeJS.Timeout | undefined;
  try {
    while (due < schedule.totalMs && !stop?.aborted) {
      const now = clock.elapsed();
      if (now > startBy) break;
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
        else if (afterExhausted) measurements.droppedIteration(clock.epochOf(due), 'maxVUs');
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
  return k;
}

/** Event-loop delay is sampled by a timer of this period; its samples include the period itself. */
const LOOP_SAMPLE_MS = 10;
/**
 * A generator was saturated when its event loop was busy at least this share of the run AND its timers
 * fired late: busy alone is also what a short run looks like while the code warms up (one iteration,
 * loop busy 100 %, timers on time), and that generator held its schedule.
 */
const SATURATED_LOOP_SHARE = 0.9;
const SATURATED_DELAY_P99_MS = 5;

export function generatorSaturated(eventLoopUtilization: number, delayP99Ms: number): boolean {
  return eventLoopUtilization >= SATURATED_LOOP_SHARE && delayP99Ms >= SATURATED_DELAY_P99_MS;
}

/** The process's event-loop load from now until the returned function is called. */
function watchGenerator(): () => NonNullable<EngineRun['generator']> {
  const delay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  delay.enable();
  const busy = performance.eventLoopUtilization();
  return () => {
    delay.disable();
    const utilization = performance.eventLoopUtilization(busy).utilization;
    const lag = (ns: number) => Math.round(Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS) * 1000) / 1000;
    const eventLoopDelayMs = { p50: lag(delay.percentile(50)), p99: lag(delay.percentile(99)), max: lag(delay.max) };
    return {
      eventLoopUtilization: Math.round(utilization * 1000) / 1000,
      eventLoopDelayMs,
      saturated: generatorSaturated(utilization, eventLoopDelayMs.p99),
    };
  };
}

export async function runNodeEngine(options: NodeEngineOptions): Promise<EngineRun> {
  const flow = createFlow(options.flow); // payloads are generated here, before the clock starts
  const transport = createNodeEngineTransport(Math.max(1, options.maxVUs));
  // The first connections are set up before the clock starts (decision 0101): a run does not begin
  // with every early iteration queued behind connects. Failures here are not errors of the run: the
  // first request that needs a connection meets (and records) them.
  await transport.preconnect(options.flow.baseUrl).catch(() => undefined);
  const maxStartDelayMs = options.maxStartDelayMs ?? 1000;
  const generatorLoad = watchGenerator();
  const clock = startClock();
  const measurements = new LoadMeasurements(clock.startedAt, true);
  const pool = new IterationPool(flow, transport, measurements, clock, maxStartDelayMs);
  const arrivalWaits: ArrivalWaits = { spin: 0, completion: 0 };
  const { schedule, stop, abort } = options;
  const progress = options.progress === undefined ? { write: (s: string) => process.stderr.write(s), tty: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR } : options.progress;
  const ticker = progress ? setInterval(() => progressLine(progress, measurements, clock.elapsed(), schedule.totalMs), 1000) : undefined;
  let handled: number;
  let stoppedAtMs = schedule.totalMs;
  try {
    handled = await startArrivals(schedule, options.maxVUs, maxStartDelayMs, pool, measurements, clock, arrivalWaits, stop);
    if (stop?.aborted) stoppedAtMs = Math.min(schedule.totalMs, clock.elapsed());
    await pool.drain(options.gracefulStopMs ?? 30_000, abort);
  } finally {
    if (ticker) clearInterval(ticker);
    if (progress) progressLine(progress, measurements, clock.elapsed(), schedule.totalMs, true);
    // Iterations still running after the graceful stop are aborted, not waited for (as k6 does).
    await (pool.active > 0 ? transport.destroy() : transport.close()).catch(() => undefined);
  }
  const finishedAt = Date.now();
  const actualDurationMs = clock.elapsed();
  const interrupted = stop?.aborted && actualDurationMs < schedule.totalMs ? { aborted: abort?.aborted === true, actualDurationMs } : undefined;
  // Due (before the stop, for an interrupted run) but never started: the generator fell behind.
  recordNotStarted(measurements, schedule, clock.startedAt, handled, stoppedAtMs);
  measurements.observeVUs(pool.peak);
  const durationMs = Math.max(interrupted ? Math.min(actualDurationMs, schedule.totalMs) : schedule.totalMs, 1);
  return { measurements, startedAt: clock.startedAt, finishedAt, durationMs, arrivalWaits, scheduleStartAt: clock.startedAt, scheduleEndMs: stoppedAtMs, generator: generatorLoad(), ...(interrupted ? { interrupted } : {}) };
}

function progressLine(sink: ProgressSink, r: LoadMeasurements, elapsedMs: number, totalMs: number, final = false): void {
  const s = elapsedMs / 1000;
  const rate = s > 0 ? r.iterations / s : 0;
  const line = `load ${Math.min(s, totalMs / 1000).toFixed(0)}s/${(totalMs / 1000).toFixed(0)}s  ${rate.toFixed(1)} it/s  iterations ${r.iterations}  errors ${r.http.errors}  late ${r.late}  dropped ${r.dropped}  p95 ${percentileMs(r.httpHistogram(), 95).toFixed(1)}ms`;
  if (sink.tty) sink.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
  else sink.write(`${line}\n`);
}
