// Regression: a summary printed `p99=148.7ms max=148.6ms`: hdr answers a percentile with the
// highest value of its bucket (3 significant digits), above the largest value recorded. Every reported
// percentile (and the mean) is now held within [min, max], for a run, a merge and a threshold alike.
import { expect, it } from 'vitest';
import { mergeResults } from '../../src/load/merge.ts';
import { LoadMeasurements } from '../../src/load/measurements.ts';
import { evaluateThresholds, parseThresholdFlag } from '../../src/load/thresholds.ts';
import { latencyStats, newHistogram, recordMs } from '../../src/results/index.ts';
import { loadResultsOf } from '../fixtures/load-results.ts';

it('no percentile above the maximum or below the minimum', () => {
  const h = newHistogram();
  for (const ms of [148.6, 148.6, 148.6, 3.2]) recordMs(h, ms);
  const s = latencyStats(h);
  expect(s.max).toBe(148.6);
  for (const p of [s.avg, s.med, s.p90, s.p95, s.p99]) {
    expect(p).toBeLessThanOrEqual(s.max);
    expect(p).toBeGreaterThanOrEqual(s.min);
  }

  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const part = () => {
    const r = new LoadMeasurements(T0);
    for (let i = 0; i < 50; i++) {
      r.request('handle_create', true, 148.6, 10, 20, T0 + i * 20);
      r.iterationStarted(T0 + i * 20);
      r.iterationDone(true, 148.6, T0 + i * 20);
    }
    return loadResultsOf(r, { startedAt: T0, durationMs: 1000, rate: 50, scenario: 'handle-create' });
  };
  const [a, b] = [part(), part()];
  const merged = mergeResults([a, b]);
  for (const r of [a, merged]) {
    const l = r.stages.handle_create!.latencyMs;
    expect(l.p99, 'p99 ≤ max').toBeLessThanOrEqual(l.max);
    expect(l.max).toBe(148.6);
    expect(evaluateThresholds(r, parseThresholdFlag('handle_create_duration:p(99)<=148.6'))[0]!.ok).toBe(true);
  }
});
