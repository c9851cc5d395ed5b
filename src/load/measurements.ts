// Collects raw measurements (from the node engine live, or from k6's --out json points) into HDR
// histograms per stage and per second, then freezes them into the results JSON. Both engines feed the
// same LoadMeasurements, so the numbers they report are computed the same way.
// Cost per sample matters (the node engine records every request live): a per-second histogram is
// recorded while its second is current, then snapshotted once it is done — its percentiles and
// encoding, what the results keep of it (see snapshotBefore).
import {
  decodeHistogram,
  encodeHistogram,
  latencyStats,
  newHistogram,
  percentileMs,
  recordMs,
  type Histogram,
  type LoadResults,
  type SecondBucket,
  type SecondStage,
  type StageName,
  type StageSummary,
} from '../results/index.ts';

interface StageAcc {
  h: Histogram;
  count: number;
  errors: number;
  bytesSent: number;
  bytesReceived: number;
}

/**
 * A stage within one second: samples go to `live` (32-bit) while the second is open; `done` is what the
 * results keep of it once snapshotted (a late sample after that is merged into a new snapshot).
 */
interface SecondStageAcc {
  count: number;
  errors: number;
  live: Histogram | undefined;
  liveSecond: number;
  done: Omit<SecondStage, 'count' | 'errors'> | undefined;
}

/** A per-second bucket while it fills: the results' SecondBucket with live stage accumulators. */
type SecondAcc = Omit<SecondBucket, 't' | 'stages' | 'late'> & { late: number; stages: Partial<Record<StageName, SecondStageAcc>> };

/** Why an iteration that was due never ran (RateRecord.dropped). */
export type DropReason = 'maxVUs' | 'notStarted';

const newStage = (): StageAcc => ({ h: newHistogram(), count: 0, errors: 0, bytesSent: 0, bytesReceived: 0 });
const newSecondStage = (): SecondStageAcc => ({ count: 0, errors: 0, live: undefined, liveSecond: 0, done: undefined });
const newSecond = (): SecondAcc => ({ scheduled: 0, started: 0, late: 0, completed: 0, failed: 0, dropped: 0, httpReqs: 0, httpFailed: 0, bytesSent: 0, bytesReceived: 0, stages: {} });

export class LoadMeasurements {
  readonly stages: Partial<Record<StageName, StageAcc>> = {};
  /**
   * All requests' counts. Its histogram is not recorded per request: every request is recorded in its
   * stage's, and the sum of the stage histograms (same buckets) is exactly the one recording both
   * would give (see httpHistogram), for one record fewer per request.
   */
  readonly http = { count: 0, errors: 0, bytesSent: 0, bytesReceived: 0 };
  readonly iteration = newStage();
  readonly errors = new Map<string, number>();
  /** Latencies from the intended start (node engine); absent from the results when nothing was recorded. */
  readonly intendedStages: Partial<Record<StageName, StageAcc>> = {};
  readonly intendedIteration = newStage();
  private readonly seconds: SecondAcc[] = [];
  private readonly firstSecond: number;
  /** Per-second stage accumulators whose second is still open (they hold a live histogram). */
  private readonly live: SecondStageAcc[] = [];
  private latestSecond = 0;
  /** How many per-second stage histograms were snapshotted while the run went on (tests read it). */
  snapshotsDuringRun = 0;
  iterations = 0;
  iterationsFailed = 0;
  dropped = 0;
  readonly droppedBy: Record<DropReason, number> = { maxVUs: 0, notStarted: 0 };
  checksPassed = 0;
  checksFailed = 0;
  /** Iterations started, and the epoch ms of the first and last start and of the last completion. */
  started = 0;
  firstStartAt = Infinity;
  lastStartAt = -Infinity;
  lastCompletionAt = -Infinity;
  /** Start delays (actual − intended start) and how many exceeded the bound; recorded by the node engine only. */
  readonly startDelay = newHistogram();
  late = 0;
  /** Most iterations in flight at once, per instance (k6 reports its `vus` per process). */
  private readonly peakVUsBy = new Map<string, number>();

  /** `measuresStartDelay`: the engine gives every start's delay (node); k6 cannot, and its results say so. */
  constructor(
    readonly startEpochMs: number,
    readonly measuresStartDelay = false,
  ) {
    this.firstSecond = Math.floor(startEpochMs / 1000);
  }

  private second(atEpochMs: number): SecondAcc {
    const i = Math.max(0, Math.floor(atEpochMs / 1000) - this.firstSecond);
    while (this.seconds.length <= i) this.seconds.push(newSecond());
    return this.seconds[i]!;
  }

  request(stage: StageName, ok: boolean, durationMs: number, bytesSent: number, bytesReceived: number, atEpochMs: number, reason?: string): void {
    const s = (this.stages[stage] ??= newStage());
    recordMs(s.h, durationMs);
    s.count++;
    this.http.count++;
    s.bytesSent += bytesSent;
    s.bytesReceived += bytesReceived;
    this.http.bytesSent += bytesSent;
    this.http.bytesReceived += bytesReceived;
    const sec = this.second(atEpochMs);
    sec.httpReqs++;
    sec.bytesSent += bytesSent;
    sec.bytesReceived += bytesReceived;
    const ss = (sec.stages[stage] ??= newSecondStage());
    this.recordSecond(ss, atEpochMs, durationMs);
    ss.count++;
    if (!ok) {
      s.errors++;
      this.http.errors++;
      ss.errors++;
      sec.httpFailed++;
      const key = `${stage}: ${reason ?? 'failed'}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
  }

  private recordSecond(ss: SecondStageAcc, atEpochMs: number, durationMs: number): void {
    const i = Math.max(0, Math.floor(atEpochMs / 1000) - this.firstSecond);
    if (ss.live === undefined) {
      // A fresh histogram per second (not a reused one): its size, and so its encoding, is exactly that
      // of a histogram that only ever held this second's samples.
      ss.live = newHistogram();
      ss.liveSecond = i;
      this.live.push(ss);
    }
    recordMs(ss.live, durationMs);
    if (i > this.latestSecond) {
      this.latestSecond = i;
      this.snapshotsDuringRun += this.snapshotBefore(i - 1); // the previous second stays open for late samples; older ones are done
    }
  }

  /** Snapshots the live histograms of seconds before `second` (see SecondStageAcc); returns how many. */
  private snapshotBefore(second: number): number {
    let kept = 0;
    let done = 0;
    for (const ss of this.live) {
      if (ss.liveSecond < second && ss.live) {
        const h = ss.live;
        if (ss.done) h.add(decodeHistogram(ss.done.histogram));
        ss.done = { p50: percentileMs(h, 50), p90: percentileMs(h, 90), p95: percentileMs(h, 95), p99: percentileMs(h, 99), histogram: encodeHistogram(h) };
        ss.live = undefined;
        done++;
      } else this.live[kept++] = ss;
    }
    this.live.length = kept;
    return done;
  }

  /** The histogram of every request: the stages' summed (in order of their maximum, see addInOrder). */
  httpHistogram(): Histogram {
    const http = newHistogram();
    const stages = Object.values(this.stages).filter((s) => s.h.totalCount > 0);
    // Ascending maxima: each add either finds the same bucket layout or resizes to exactly the added
    // histogram's, so every add takes hdr's index-by-index path, which keeps min and max exact.
    stages.sort((a, b) => a.h.maxValue - b.h.maxValue);
    for (const s of stages) http.add(s.h);
    return http;
  }

  check(ok: boolean): void {
    if (ok) this.checksPassed++;
    else this.checksFailed++;
  }

  iterationStarted(atEpochMs: number): void {
    this.second(atEpochMs).started++;
    this.started++;
    if (atEpochMs < this.firstStartAt) this.firstStartAt = atEpochMs;
    if (atEpochMs > this.lastStartAt) this.lastStartAt = atEpochMs;
  }

  /** An iteration's start delay (node engine): its first request went out `ms` after its due time, at `atEpochMs`. */
  startDelayed(ms: number, late: boolean, atEpochMs: number): void {
    recordMs(this.startDelay, ms);
    if (late) {
      this.late++;
      this.second(atEpochMs).late++;
    }
  }

  /** Iterations the schedule had due in the second of `atEpochMs` (the rate's target line). */
  scheduledIn(atEpochMs: number, count: number): void {
    this.second(atEpochMs).scheduled += count;
  }

  observeVUs(inFlight: number, instance = '0'): void {
    if (inFlight > (this.peakVUsBy.get(instance) ?? 0)) this.peakVUsBy.set(instance, inFlight);
  }

  /** The most iterations in flight at once (summed over instances); undefined when never observed. */
  peakVUs(): number | undefined {
    return this.peakVUsBy.size === 0 ? undefined : [...this.peakVUsBy.values()].reduce((a, b) => a + b, 0);
  }

  /** Bytes reported apart from the request sample (k6 emits them as their own points). */
  bytes(stage: StageName, bytesSent: number, bytesReceived: number, atEpochMs: number): void {
    const s = (this.stages[stage] ??= newStage());
    s.bytesSent += bytesSent;
    s.bytesReceived += bytesReceived;
    this.http.bytesSent += bytesSent;
    this.http.bytesReceived += bytesReceived;
    const sec = this.second(atEpochMs);
    sec.bytesSent += bytesSent;
    sec.bytesReceived += bytesReceived;
  }

  /** An iteration's duration, when it arrives apart from its outcome (k6's iteration_duration). */
  iterationDuration(durationMs: number): void {
    recordMs(this.iteration.h, durationMs);
    this.iteration.count++;
  }

  iterationDone(ok: boolean, durationMs: number | undefined, atEpochMs: number): void {
    this.iterations++;
    if (atEpochMs > this.lastCompletionAt) this.lastCompletionAt = atEpochMs;
    if (durationMs !== undefined) this.iterationDuration(durationMs);
    const sec = this.second(atEpochMs);
    sec.completed++;
    if (!ok) {
      this.iterationsFailed++;
      this.iteration.errors++;
      sec.failed++;
    }
  }

  /** A stage's latency from its intended start (see node-engine.ts); counted apart from the service time. */
  intendedStage(stage: StageName, ok: boolean, durationMs: number): void {
    const s = (this.intendedStages[stage] ??= newStage());
    recordMs(s.h, durationMs);
    s.count++;
    if (!ok) s.errors++;
  }

  intendedIterationDone(ok: boolean, durationMs: number): void {
    recordMs(this.intendedIteration.h, durationMs);
    this.intendedIteration.count++;
    if (!ok) this.intendedIteration.errors++;
  }

  /**
   * `count` due iterations that never ran, counted in the second of `atEpochMs` (their due time, or when
   * k6 found no VU for them); undefined when no second can be told (counted in the totals only).
   */
  droppedIteration(atEpochMs: number | undefined, reason: DropReason = 'maxVUs', count = 1): void {
    this.dropped += count;
    this.droppedBy[reason] += count;
    if (atEpochMs !== undefined) this.second(atEpochMs).dropped += count;
  }

  /**
   * Everything but thresholds, target, options, run metadata and the rate record, which the run adds.
   * `windowMs` is the real window the achieved rate is measured over (src/load/rate.ts).
   */
  freeze(windowMs: number): Pick<LoadResults, 'totals' | 'stages' | 'http' | 'iteration' | 'series' | 'errors' | 'intended'> {
    this.snapshotBefore(Infinity);
    const stages = summarizeStages(this.stages);
    return {
      totals: {
        iterations: this.iterations,
        iterationsFailed: this.iterationsFailed,
        droppedIterations: this.dropped,
        httpReqs: this.http.count,
        httpReqFailed: this.http.errors,
        checksPassed: this.checksPassed,
        checksFailed: this.checksFailed,
        bytesSent: this.http.bytesSent,
        bytesReceived: this.http.bytesReceived,
        achievedRate: windowMs > 0 ? round3(this.iterations / (windowMs / 1000)) : 0,
      },
      stages,
      http: summarize({ ...this.http, h: this.httpHistogram() }),
      iteration: summarize(this.iteration),
      series: this.seconds.map((s, i): SecondBucket => ({
        t: this.firstSecond + i,
        scheduled: s.scheduled,
        started: s.started,
        ...(this.measuresStartDelay ? { late: s.late } : {}),
        completed: s.completed,
        failed: s.failed,
        dropped: s.dropped,
        httpReqs: s.httpReqs,
        httpFailed: s.httpFailed,
        bytesSent: s.bytesSent,
        bytesReceived: s.bytesReceived,
        stages: Object.fromEntries(Object.entries(s.stages).map(([k, acc]) => [k, secondStage(acc)])),
      })),
      errors: Object.fromEntries(this.errors),
      ...(this.intendedIteration.count > 0 || Object.keys(this.intendedStages).length > 0
        ? { intended: { iteration: summarize(this.intendedIteration), stages: summarizeStages(this.intendedStages) } }
        : {}),
    };
  }
}

function summarizeStages(accs: Partial<Record<StageName, StageAcc>>): Partial<Record<StageName, StageSummary>> {
  const out: Partial<Record<StageName, StageSummary>> = {};
  for (const [name, acc] of Object.entries(accs) as [StageName, StageAcc][]) out[name] = summarize(acc);
  return out;
}

function summarize(acc: { h: Histogram; count: number; errors: number; bytesSent: number; bytesReceived: number }): StageSummary {
  return { count: acc.count, errors: acc.errors, bytesSent: acc.bytesSent, bytesReceived: acc.bytesReceived, latencyMs: latencyStats(acc.h), histogram: encodeHistogram(acc.h) };
}

function secondStage(acc: SecondStageAcc): SecondStage {
  return { count: acc.count, errors: acc.errors, ...(acc.done ?? { p50: 0, p90: 0, p95: 0, p99: 0, histogram: encodeHistogram(newHistogram()) }) };
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
