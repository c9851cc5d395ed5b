// The node engine's open-model scheduler and the recorder's per-second histograms.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runNodeEngine, startArrivals, type ArrivalPool, type RunClock } from '../../src/load/node-engine.ts';
import { LoadMeasurements } from '../../src/load/measurements.ts';
import { constantSchedule } from '../../src/load/schedule.ts';
import { decodeHistogram, encodeHistogram, latencyStats, newHistogram, percentileMs, recordMs } from '../../src/results/index.ts';
import { parseContextMix, parseFileSizeMix, type FlowConfig } from '../../scenarios/flows/index.ts';

const HANDLE = JSON.stringify({ success: true, results: { url: 'http://127.0.0.1:1/u', handle: 'h', fields: { key: 'k' } } });
let server: Server;
let base: string;
let delayMs = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on('end', () => {
      const answer = () => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(HANDLE);
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** A run clock that moves only when read, 0.2 ms per reading (the first reads 0). */
function steppingClock(stepMs = 0.2): RunClock {
  let t = -stepMs;
  return { startedAt: 0, t0: 0, elapsed: () => (t += stepMs), epochOf: (ms) => ms };
}

/** A pool whose iterations end at once, or (`hold`) only on release(); counts what it started. */
class FakePool implements ArrivalPool {
  active = 0;
  started = 0;
  private waiter: (() => void) | undefined;
  private readonly held: (() => void)[] = [];
  constructor(private readonly hold: boolean) {}
  run(): Promise<void> {
    this.started++;
    this.active++;
    if (!this.hold) {
      this.active--;
      return Promise.resolve();
    }
    return new Promise((r) => this.held.push(() => (this.active--, r())));
  }
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
  nextCompletion(): Promise<void> {
    return new Promise((r) => (this.waiter = r));
  }
  release(): void {
    for (const end of this.held.splice(0)) end();
  }
}

const flow = (): FlowConfig => ({ scenario: 'handle-create', baseUrl: base, apiKey: 'k', fileSizes: parseFileSizeMix('1KiB'), contexts: parseContextMix('resume') });

describe('open-model scheduler', () => {
  it('an event-loop stall with free VUs starts the overdue iterations late instead of dropping them', async () => {
    delayMs = 0;
    const stall = setTimeout(() => {
      const until = performance.now() + 80;
      while (performance.now() < until); // 80 ms of blocked event loop: ~40 iterations become overdue
    }, 300);
    const run = await runNodeEngine({ flow: flow(), schedule: constantSchedule(500, 1000), maxVUs: 64, progress: null });
    clearTimeout(stall);
    const f = run.measurements.freeze(run.durationMs);
    expect(f.totals.droppedIterations).toBe(0);
    expect(f.totals.iterations).toBe(500);
    expect(f.totals.iterationsFailed).toBe(0);
    expect(f.totals.httpReqs).toBe(500);
  });

  it('drops only what finds every VU busy; concurrency never exceeds maxVUs', async () => {
    delayMs = 150;
    maxInFlight = 0;
    const run = await runNodeEngine({ flow: flow(), schedule: constantSchedule(100, 500), maxVUs: 3, progress: null });
    const f = run.measurements.freeze(run.durationMs);
    expect(f.totals.iterations + f.totals.droppedIterations).toBe(50);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    // Each VU finishes an iteration every ~150 ms: ~3 × 500/150 + 3 start, the rest (~38) are dropped.
    expect(f.totals.iterations).toBeGreaterThanOrEqual(6);
    expect(f.totals.iterations).toBeLessThanOrEqual(15);
    expect(f.totals.droppedIterations).toBeGreaterThan(30);
    expect(f.totals.iterationsFailed).toBe(0);
    expect(f.series.reduce((n, s) => n + s.dropped, 0)).toBe(f.totals.droppedIterations);
    delayMs = 0;
  });

  it('a sustainable rate runs on time: every due iteration starts and none is dropped', async () => {
    delayMs = 2;
    const run = await runNodeEngine({ flow: flow(), schedule: constantSchedule(1000, 1000), maxVUs: 128, progress: null });
    const f = run.measurements.freeze(run.durationMs);
    expect(f.totals.droppedIterations).toBe(0);
    expect(f.totals.iterations).toBe(1000);
    expect(f.totals.achievedRate).toBe(1000);
    expect(f.stages.handle_create!.count).toBe(1000);
    delayMs = 0;
  });
  it('waits for sub-millisecond arrivals on completions while iterations are in flight, spins only when none are', async () => {
    // The arrival loop alone, on a clock that moves only when read and a pool whose iterations end when the
    // test says: every wait it computes, and whether anything is in flight then, is the same on any machine.
    const arrivals = async (pool: FakePool) => {
      const waits = { spin: 0, completion: 0 };
      const measurements = { droppedIteration: vi.fn() };
      // 2000/s for 10 ms: 20 arrivals 0.5 ms apart, so every wait for the next one is under a millisecond.
      const handled = await startArrivals(constantSchedule(2000, 10), 64, 1000, pool, measurements, steppingClock(), waits);
      expect(handled).toBe(20);
      expect(pool.started).toBe(20);
      expect(measurements.droppedIteration).not.toHaveBeenCalled();
      return waits;
    };
    // Iterations that last until the schedule has ended: one is in flight at every wait.
    const busyPool = new FakePool(true);
    const busy = await arrivals(busyPool);
    busyPool.release();
    expect(busy.spin).toBe(0);
    expect(busy.completion).toBeGreaterThan(0);
    // Iterations that end as they start: none is in flight at any wait.
    const idle = await arrivals(new FakePool(false));
    expect(idle.completion).toBe(0);
    expect(idle.spin).toBeGreaterThan(0);
  });

  it('the first connections are open before the clock starts (preconnect), and the run uses them', async () => {
    let connections = 0;
    let firstRequestAt = 0;
    let connectionsBeforeFirstRequest = 0;
    const onConnection = () => connections++;
    const onRequest = () => {
      if (!firstRequestAt) {
        firstRequestAt = performance.now();
        connectionsBeforeFirstRequest = connections;
      }
    };
    server.on('connection', onConnection);
    server.on('request', onRequest);
    try {
      const run = await runNodeEngine({ flow: flow(), schedule: constantSchedule(50, 200), maxVUs: 64, progress: null });
      const f = run.measurements.freeze(run.durationMs);
      expect(f.totals.iterations).toBe(10);
      expect(f.totals.iterationsFailed).toBe(0);
      expect(connectionsBeforeFirstRequest).toBe(8); // MAX_CONNECTING, opened by preconnect
      expect(connections).toBe(8); // a light load needs no more
    } finally {
      server.off('connection', onConnection);
      server.off('request', onRequest);
    }
  });

  it('a run whose iterations outlast the schedule leaves no grace timer behind (it would keep the process alive)', async () => {
    delayMs = 200; // every iteration is still in flight when the 100 ms schedule ends: drain waits for it
    const GRACE = 61_234; // a delay nothing else uses, so the grace timer is recognisable
    const graceTimers = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const t = realSet(fn, ms);
      if (ms === GRACE) graceTimers.add(t);
      return t;
    }) as typeof setTimeout);
    const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((t?: Parameters<typeof clearTimeout>[0]) => {
      graceTimers.delete(t);
      realClear(t);
    }) as typeof clearTimeout);
    try {
      const run = await runNodeEngine({ flow: flow(), schedule: constantSchedule(20, 100), maxVUs: 4, progress: null, gracefulStopMs: GRACE });
      const f = run.measurements.freeze(run.durationMs);
      expect(f.totals.iterations).toBe(2);
      expect(f.totals.iterationsFailed).toBe(0);
      expect(set.mock.calls.some((c) => c[1] === GRACE)).toBe(true); // the drain did wait with the grace timer
      expect(graceTimers.size).toBe(0);
    } finally {
      set.mockRestore();
      clear.mockRestore();
      for (const t of graceTimers) realClear(t as Parameters<typeof clearTimeout>[0]);
      delayMs = 0;
    }
  });
});

describe('recorder per-second histograms', () => {
  it('equal direct recording, also with samples arriving for earlier seconds after later ones', () => {
    const t0 = 1_700_000_000_000;
    const r = new LoadMeasurements(t0);
    const direct = [newHistogram(), newHistogram(), newHistogram(), newHistogram()];
    const total = newHistogram();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      // Mostly in order, with 5 % of samples landing up to two seconds back (k6 points can be late).
      let sec = Math.floor(i / 5000);
      if (rnd() < 0.05) sec = Math.max(0, sec - Math.floor(rnd() * 3));
      const ms = 0.05 + rnd() * rnd() * 40;
      r.request('handle_create', true, ms, 100, 200, t0 + sec * 1000 + 10);
      recordMs(direct[sec]!, ms);
      recordMs(total, ms);
    }
    const f = r.freeze(4000);
    expect(f.series).toHaveLength(4);
    for (let s = 0; s < 4; s++) {
      const st = f.series[s]!.stages.handle_create!;
      expect(st.count).toBe(direct[s]!.totalCount);
      for (const [p, v] of [[50, st.p50], [90, st.p90], [95, st.p95], [99, st.p99]] as const) expect(v).toBe(percentileMs(direct[s]!, p));
      const decoded = decodeHistogram(st.histogram);
      expect(decoded.totalCount).toBe(direct[s]!.totalCount);
      expect(decoded.maxValue).toBe(decodeHistogram(encodeHistogram(direct[s]!)).maxValue);
      expect(decoded.getValueAtPercentile(99.9)).toBe(direct[s]!.getValueAtPercentile(99.9));
    }
    expect(f.http.count).toBe(20_000);
    expect(f.http.latencyMs.p99).toBe(percentileMs(total, 99));
    expect(decodeHistogram(f.stages.handle_create!.histogram).totalCount).toBe(20_000);
    // The seconds were snapshotted as the run went on (the path that keeps the event loop free), not at freeze.
    expect(r.snapshotsDuringRun).toBeGreaterThanOrEqual(2);
    // Freezing twice (and recording in between) keeps every sample.
    r.request('handle_create', true, 1, 0, 0, t0 + 500);
    expect(r.freeze(4000).series[0]!.stages.handle_create!.count).toBe(direct[0]!.totalCount + 1);
  });

  it('derive the http histogram from the stages exactly as recording every request twice would', () => {
    const t0 = 1_700_000_000_000;
    const r = new LoadMeasurements(t0);
    const total = newHistogram();
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const stages = ['setup', 'handle_create', 'upload', 'attach'] as const;
    for (let i = 0; i < 30_000; i++) {
      const stage = stages[i % 4]!;
      // Different ranges per stage, so their histograms grow to different sizes (the order of adding matters).
      const ms = stage === 'upload' ? 1 + rnd() * 3000 : stage === 'setup' ? 0.01 + rnd() * 0.5 : 0.05 + rnd() * rnd() * 40;
      r.request(stage, i % 97 !== 0, ms, 1, 2, t0 + Math.floor(i / 10_000) * 1000);
      recordMs(total, ms);
    }
    const f = r.freeze(3000);
    const direct = decodeHistogram(encodeHistogram(total));
    const derived = decodeHistogram(f.http.histogram);
    expect(encodeHistogram(derived)).toBe(encodeHistogram(direct));
    expect(f.http.latencyMs).toEqual(latencyStats(total));
    expect(f.http.count).toBe(30_000);
    expect(f.http.errors).toBe(Math.ceil(30_000 / 97));
  });
});
