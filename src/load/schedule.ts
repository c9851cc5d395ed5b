// Open-model arrival schedule (k6's constant-arrival-rate / ramping-arrival-rate): iteration k is due
// when the integral of the (piecewise-linear) rate reaches k. Computed from absolute time, so timer
// lateness never accumulates: 50/s for 10 s is exactly 500 starts.

export interface RateStage {
  durationMs: number;
  /** Iterations per second reached at the end of the stage (linear ramp from the previous target). */
  target: number;
}

export interface Schedule {
  totalMs: number;
  /** Milliseconds after start at which iteration k (0-based) is due; Infinity when never. */
  dueMs(k: number): number;
  /** Iterations due in [0, totalMs). */
  expected(): number;
  /** Iterations due before `ms` (0 ≤ ms ≤ totalMs): how many the schedule had asked for by then. */
  dueBefore(ms: number): number;
  /** The integral of the rate over [0, ms]: iterations per second × seconds, not rounded. */
  integral(ms: number): number;
}

export function constantSchedule(rate: number, durationMs: number): Schedule {
  return rampingSchedule(rate, [{ durationMs, target: rate }]);
}

export function rampingSchedule(startRate: number, stages: readonly RateStage[]): Schedule {
  const segs: { t0: number; T: number; r0: number; r1: number; n0: number }[] = [];
  let t0 = 0;
  let r0 = startRate;
  let n0 = 0;
  for (const s of stages) {
    const T = s.durationMs / 1000;
    segs.push({ t0, T, r0, r1: s.target, n0 });
    n0 += ((r0 + s.target) / 2) * T;
    t0 += T;
    r0 = s.target;
  }
  const totalMs = t0 * 1000;
  const dueMs = (k: number): number => {
    for (const g of segs) {
      const nEnd = g.n0 + ((g.r0 + g.r1) / 2) * g.T;
      if (k >= nEnd - 1e-9) continue;
      const need = k - g.n0;
      const a = (g.r1 - g.r0) / (2 * g.T);
      const b = g.r0;
      let tau: number;
      if (Math.abs(a) < 1e-12) tau = b > 0 ? need / b : 0;
      else tau = (-b + Math.sqrt(Math.max(0, b * b + 4 * a * need))) / (2 * a);
      return (g.t0 + Math.max(0, tau)) * 1000;
    }
    return Infinity;
  };
  const integral = (ms: number): number => {
    const t = Math.min(Math.max(ms, 0), totalMs) / 1000;
    for (const g of segs) {
      if (t > g.t0 + g.T) continue;
      const tau = t - g.t0;
      return g.n0 + g.r0 * tau + ((g.r1 - g.r0) / (2 * g.T)) * tau * tau;
    }
    return n0;
  };
  const expected = () => Math.ceil(n0 - 1e-9);
  return {
    totalMs,
    dueMs,
    expected,
    integral,
    // Iteration k is due when the integral reaches k, so k is due before t exactly when k < integral(t).
    dueBefore: (ms) => (ms <= 0 ? 0 : Math.min(expected(), Math.ceil(integral(ms) - 1e-9))),
  };
}
