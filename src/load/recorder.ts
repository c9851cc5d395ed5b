// Collects raw measurements (from the node engine live, or from k6's --out json points) into HDR
// histograms per stage and per second, then freezes them into the results JSON. Both engines feed the
// same recorder, so the numbers they report are computed the same way.
// Cost per sample matters (the node engine records every request live): the run-wide histograms are
// 32-bit (fast to record), and a per-second histogram is recorded into a 32-bit scratch histogram while
// its second is current, then folded into its compact packed one (see foldBefore).
import {
  encodeHistogram,
  latencyStats,
  newFastHistogram,
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

/** A stage within one second: `h` is packed; samples go to `live` (32-bit) until folded into it. */
interface SecondStageAcc extends StageAcc {
  live: Histogram | undefined;
  liveSecond: number;
}

/** A per-second bucket while it fills: the results' SecondBucket with live stage accumulators. */
type SecondAcc = Omit<SecondBucket, 't' | 'stages'> & { stages: Partial<Record<StageName, SecondStageAcc>> };

const newStage = (): StageAcc => ({ h: newFastHistogram(), count: 0, errors: 0, bytesSent: 0, bytesReceived: 0 });
const newSecondStage = (): SecondStageAcc => ({ h: newHistogram(), count: 0, errors: 0, bytesSent: 0, bytesReceived: 0, live: undefined, liveSecond: 0 });
const newSecond = (): SecondAcc => ({ started: 0, completed: 0, failed: 0, dropped: 0, httpReqs: 0, httpFailed: 0, bytesSent: 0, bytesReceived: 0, stages: {} });

export class Recorder {
  readonly stages: Partial<Record<StageName, StageAcc>> = {};
  readonly http = newStage();
  readonly iteration = newStage();
  readonly errors = new Map<string, number>();
  /** Latencies from the intended start (node engine); absent from the results when nothing was recorded. */
  readonly intendedStages: Partial<Record<StageName, StageAcc>> = {};
  readonly intendedIteration = newStage();
  private readonly seconds: SecondAcc[] = [];
  private readonly firstSecond: number;
  /** Per-second stage accumulators with a scratch histogram, and scratch histograms to reuse. */
  private readonly live: SecondStageAcc[] = [];
  private readonly spare: Histogram[] = [];
  private latestSecond = 0;
  iterations = 0;
  iterationsFailed = 0;
  dropped = 0;
  checksPassed = 0;
  checksFailed = 0;

  constructor(readonly startEpochMs: number) {
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
    recordMs(this.http.h, durationMs);
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
      ss.live = this.spare.pop() ?? newFastHistogram();
      ss.liveSecond = i;
      this.live.push(ss);
    }
    recordMs(ss.live, durationMs);
    if (i > this.latestSecond) {
      this.latestSecond = i;
      this.foldBefore(i - 1); // the previous second stays open for late samples; older ones are done
    }
  }

  /** Folds the scratch histograms of seconds before `second` into their packed histograms. */
  private foldBefore(second: number): void {
    let kept = 0;
    for (const ss of this.live) {
      if (ss.liveSecond < second && ss.live) {
        ss.h.add(ss.live);
        ss.live.reset();
        this.spare.push(ss.live);
        ss.live = undefined;
      } else this.live[kept++] = ss;
    }
    this.live.length = kept;
  }

  check(ok: boolean): void {
    if (ok) this.checksPassed++;
    else this.checksFailed++;
  }

  iterationStarted(atEpochMs: number): void {
    this.second(atEpochMs).started++;
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

  droppedIteration(atEpochMs: number): void {
    this.dropped++;
    this.second(atEpochMs).dropped++;
  }

  /** Everything but thresholds, target, options and run metadata, which the engine adds. */
  freeze(durationMs: number): Pick<LoadResults, 'totals' | 'stages' | 'http' | 'iteration' | 'series' | 'errors' | 'intended'> {
    this.foldBefore(Infinity);
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
        achievedRate: durationMs > 0 ? round3(this.iterations / (durationMs / 1000)) : 0,
      },
      stages,
      http: summarize(this.http),
      iteration: summarize(this.iteration),
      series: this.seconds.map((s, i): SecondBucket => ({
        t: this.firstSecond + i,
        started: s.started,
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

function secondStage(acc: { h: Histogram; count: number; errors: number }): SecondStage {
  return {
    count: acc.count,
    errors: acc.errors,
    p50: percentileMs(acc.h, 50),
    p90: percentileMs(acc.h, 90),
    p95: percentileMs(acc.h, 95),
    p99: percentileMs(acc.h, 99),
    histogram: encodeHistogram(acc.h),
  };
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
