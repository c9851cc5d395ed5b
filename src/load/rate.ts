// Whether a run held the arrival rate it was asked for, and the figures that say so (results `rate`):
// what the schedule had due, what started (and how late), what never ran and why, the rates over the
// run's real window, the generator's own load, and the verdict. Both engines are judged here, from the
// same measurements; what an engine cannot measure is named in `notMeasured`, never filled in.
// docs/decisions/0120-rate-held.md explains the window and the two gates.
import { encodeHistogram, latencyStats, type EngineName, type RateRecord } from '../results/index.ts';
import { round3, type LoadMeasurements } from './measurements.ts';
import type { Schedule } from './schedule.ts';

/** The run held its rate when it started at least this share of the target rate… */
const MIN_RATE_SHARE = 0.95;
/** …and at most this share of the scheduled iterations were late or dropped. */
const MAX_LATE_DROPPED_SHARE = 0.01;

/**
 * Calls `f` once per wall-clock second overlapping [fromMs, toMs) of the schedule (ms after its time 0
 * at epoch `t0`), with the second's start (epoch, clamped to the range) and the iterations due before
 * the second's clamped start and end.
 */
function eachSecond(schedule: Schedule, t0: number, fromMs: number, toMs: number, f: (atEpochMs: number, dueBefore: number, dueBy: number) => void): void {
  for (let a = fromMs; a < toMs; ) {
    const b = Math.min(toMs, (Math.floor((t0 + a) / 1000) + 1) * 1000 - t0);
    f(t0 + a, schedule.dueBefore(a), schedule.dueBefore(b));
    a = b;
  }
}

/** The iterations from index `handled` on that were due before `endMs` but never started: dropped, per due second. */
export function recordNotStarted(measurements: LoadMeasurements, schedule: Schedule, t0: number, handled: number, endMs: number): void {
  if (handled >= schedule.dueBefore(endMs)) return;
  eachSecond(schedule, t0, schedule.dueMs(handled), endMs, (at, before, by) => {
    const n = by - Math.max(before, handled);
    if (n > 0) measurements.droppedIteration(at, 'notStarted', n);
  });
}

export interface RateInput {
  engine: EngineName;
  schedule: Schedule;
  /** Epoch ms of the schedule's time 0. */
  scheduleStartAt: number;
  /** Where the schedule was cut, in ms after its time 0: its end, or the stop of an interrupted run. */
  endMs: number;
  /** The share of the schedule this run executed (a k6 execution segment), 1 for the whole. */
  share: number;
  maxVUs: number;
  maxStartDelayMs: number;
  allowShortfall: boolean;
  generator?: RateRecord['generator'];
  maxVUsWarning?: string;
}

const K6_NOT_MEASURED = [
  'late iterations and start delays: k6 reports no iteration’s intended start time',
  'generator saturation: k6 runs in its own process (watch its CPU use)',
];

/**
 * Fills the measurements's per-second `scheduled` counts (and, for k6, the iterations it never started),
 * then gives the rate record and the real window the achieved rate is measured over. Call before
 * `measurements.freeze(windowMs)`.
 */
export function assembleRate(measurements: LoadMeasurements, input: RateInput): { rate: RateRecord; windowMs: number } {
  const { schedule, scheduleStartAt: t0, endMs, share } = input;
  const scheduled = Math.floor(schedule.dueBefore(endMs) * share + 1e-9);
  let counted = 0;
  eachSecond(schedule, t0, 0, endMs, (at, _before, by) => {
    const upTo = Math.floor(by * share + 1e-9);
    if (upTo > counted) measurements.scheduledIn(at, upTo - counted);
    counted = upTo;
  });
  // k6 counts the iterations it found no VU for (dropped_iterations), but not those it was still
  // behind on when its duration ended: they are the scheduled ones it neither ran nor dropped.
  if (input.engine === 'k6') {
    const missing = scheduled - measurements.started - measurements.droppedBy.maxVUs;
    if (missing > 0) measurements.droppedIteration(undefined, 'notStarted', missing);
  }
  const firstDueAt = t0 + (scheduled > 0 ? schedule.dueMs(0) : 0);
  const scheduledMs = Math.max(1, endMs - (firstDueAt - t0));
  const windowMs = Math.max(scheduledMs, measurements.lastCompletionAt - firstDueAt);
  const targetRate = endMs > 0 ? (schedule.integral(endMs) * share) / (endMs / 1000) : 0;
  // Starts are rated over the schedule, stretched only by what started later than the start-delay
  // bound allows (a start within it is on time, also for this rate: one iteration 2 ms late is not a
  // rate of a few hundred per second); and at least as long as the target rate needs for the
  // iterations scheduled (0.5/s for 1 ms still starts its one iteration).
  const startWindowMs = Math.max(scheduledMs, measurements.lastStartAt - firstDueAt - input.maxStartDelayMs, targetRate > 0 ? (scheduled / targetRate) * 1000 : 0);
  const peak = measurements.peakVUs();
  const rate: RateRecord = {
    targetRate: round3(targetRate),
    scheduled,
    started: measurements.started,
    startRate: round3(measurements.started / (startWindowMs / 1000)),
    achievedRate: round3(measurements.iterations / (windowMs / 1000)),
    windowMs: round3(windowMs),
    maxStartDelayMs: input.maxStartDelayMs,
    ...(measurements.measuresStartDelay
      ? { late: measurements.late, startDelay: { count: measurements.startDelay.totalCount, ms: latencyStats(measurements.startDelay), histogram: encodeHistogram(measurements.startDelay) } }
      : {}),
    dropped: { ...measurements.droppedBy },
    maxVUs: {
      limit: input.maxVUs,
      ...(peak !== undefined ? { peak } : {}),
      exhausted: measurements.droppedBy.maxVUs > 0 || input.maxVUsWarning !== undefined,
      ...(input.maxVUsWarning ? { warning: input.maxVUsWarning } : {}),
    },
    ...(input.generator ? { generator: input.generator } : {}),
    held: true,
    allowShortfall: input.allowShortfall,
    shortfalls: [],
    notMeasured: input.engine === 'k6' ? K6_NOT_MEASURED : [],
  };
  return { rate: judgeRate(rate), windowMs };
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const pct = (n: number) => `${(n * 100).toFixed(n < 0.1 ? 2 : 1)} %`;

/** The verdict on a rate record's figures (also after a merge changed them): `held` and its `shortfalls`. */
export function judgeRate(r: RateRecord): RateRecord {
  const shortfalls: string[] = [];
  if (r.startRate < MIN_RATE_SHARE * r.targetRate) {
    shortfalls.push(`started ${fmt(r.startRate)} iterations/s, below ${pct(MIN_RATE_SHARE)} of the target ${fmt(r.targetRate)}/s`);
  }
  const dropped = r.dropped.maxVUs + r.dropped.notStarted;
  const missed = (r.late ?? 0) + dropped;
  if (r.scheduled > 0 && missed / r.scheduled > MAX_LATE_DROPPED_SHARE) {
    const late = r.late === undefined ? '' : `${fmt(r.late)} late (started more than ${fmt(r.maxStartDelayMs)} ms after due) + `;
    shortfalls.push(`${late}${fmt(dropped)} dropped of ${fmt(r.scheduled)} scheduled iterations: ${pct(missed / r.scheduled)}, more than ${pct(MAX_LATE_DROPPED_SHARE)}`);
  }
  return { ...r, held: shortfalls.length === 0, shortfalls };
}

/** The lines a person reads first about the rate (console summary; the HTML and JUnit say the same). */
export function rateLines(r: RateRecord): string[] {
  const verdict = r.held ? 'rate held' : r.allowShortfall ? 'RATE NOT HELD (allowed by --allow-rate-shortfall)' : 'RATE NOT HELD';
  const late = r.late === undefined ? 'late: not measured' : `late ${fmt(r.late)}`;
  const lines = [
    `${verdict}: target ${fmt(r.targetRate)}/s, started ${fmt(r.startRate)}/s, achieved ${fmt(r.achievedRate)}/s over ${(r.windowMs / 1000).toFixed(2)} s; ` +
      `${fmt(r.scheduled)} scheduled, ${fmt(r.started)} started, ${late}, dropped ${fmt(r.dropped.maxVUs + r.dropped.notStarted)} ` +
      `(${fmt(r.dropped.maxVUs)} no free VU, ${fmt(r.dropped.notStarted)} not started)`,
  ];
  for (const s of r.shortfalls) lines.push(`  not held: ${s}`);
  // Held is judged on starts (decision 0120); a held run whose completions trail the target says why,
  // so "held" beside a low achieved figure never reads as a contradiction.
  if (r.held && r.achievedRate < MIN_RATE_SHARE * r.targetRate && r.started > 0) {
    lines.push(
      `  achieved is below the target although every iteration started on time: the ${(r.windowMs / 1000).toFixed(2)} s window ` +
        `runs until the last iteration completed, so iterations still in flight when starts ended lower it`,
    );
  }
  if (r.maxVUs.exhausted) lines.push(`  maxVUs (${fmt(r.maxVUs.limit)}) exhausted: ${fmt(r.dropped.maxVUs)} iterations found every VU busy${r.maxVUs.warning ? ` (k6: ${r.maxVUs.warning})` : ''}; raise --max-vus if the target can take more`);
  if (r.startDelay) lines.push(`  start delay: p50 ${r.startDelay.ms.med} ms, p99 ${r.startDelay.ms.p99} ms, max ${r.startDelay.ms.max} ms (late beyond ${fmt(r.maxStartDelayMs)} ms)`);
  const g = r.generator;
  if (g) {
    lines.push(
      `  generator: event loop busy ${pct(g.eventLoopUtilization)}, delay p99 ${g.eventLoopDelayMs.p99} ms, max ${g.eventLoopDelayMs.max} ms` +
        (g.saturated ? ` — saturated${r.held ? '' : ': this process could not keep up, so the shortfall is (at least partly) the load generator’s, not only the target’s'}` : ''),
    );
  }
  for (const n of r.notMeasured) lines.push(`  not measured: ${n}`);
  return lines;
}
