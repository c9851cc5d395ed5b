import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThreshold, parseThresholdFlag, ThresholdError } from '../src/load/thresholds.ts';
import { LoadMeasurements } from '../src/load/measurements.ts';
import type { LoadResults } from '../src/results/index.ts';
import { loadResultsOf } from './fixtures/load-results.ts';

function resultsFrom(fill: (r: LoadMeasurements) => void, durationMs = 10_000): LoadResults {
  const r = new LoadMeasurements(0);
  fill(r);
  return loadResultsOf(r, { startedAt: 0, durationMs, rate: 1, scenario: 'handle-create', engine: 'node', maxVUs: 1 });
}

describe('threshold parser', () => {
  it('parses k6 expressions', () => {
    expect(parseThresholdFlag('handle_create_duration:p(95)<300')[0]).toMatchObject({ base: 'handle_create_duration', aggregation: { p: 95 }, op: '<', value: 300 });
    expect(parseThresholdFlag('http_req_failed: rate<0.01')[0]).toMatchObject({ aggregation: 'rate', op: '<', value: 0.01 });
    expect(parseThresholdFlag('iterations:count>100')[0]).toMatchObject({ aggregation: 'count', op: '>' });
    expect(parseThresholdFlag('http_req_duration{stage:upload}:p(99.9)<=2000,avg<500')).toHaveLength(2);
    expect(parseThreshold('upload_duration', 'med>=1').aggregation).toBe('med');
  });
  it('rejects bad thresholds with one clear message', () => {
    expect(() => parseThresholdFlag('p(95)<300')).toThrow(ThresholdError);
    expect(() => parseThresholdFlag('nope:p(95)<300')).toThrow(/unknown metric "nope"/);
    expect(() => parseThresholdFlag('handle_create_duration:p95<300')).toThrow(/must look like/);
    expect(() => parseThresholdFlag('http_req_failed:p(95)<1')).toThrow(/does not apply to http_req_failed/);
    expect(() => parseThresholdFlag('checks:avg<1')).toThrow(/does not apply/);
    expect(() => parseThresholdFlag('http_req_duration{url:x}:avg<1')).toThrow(/only \{stage/);
    expect(() => parseThresholdFlag('handle_create_duration:p(101)<1')).toThrow(/0\.\.100/);
  });
});

describe('threshold evaluator', () => {
  const results = resultsFrom((r) => {
    for (let i = 1; i <= 100; i++) {
      r.request('handle_create', i % 10 !== 0, i, 100, 200, 500);
      r.check(i % 10 !== 0);
      r.iterationDone(true, i, 500);
    }
    r.droppedIteration(600);
  });
  const judge = (flag: string) => evaluateThresholds(results, parseThresholdFlag(flag))[0]!;

  it('percentiles, avg, min, max, med come from the histogram', () => {
    expect(judge('handle_create_duration:p(95)<96').ok).toBe(true);
    expect(judge('handle_create_duration:p(95)<94').ok).toBe(false);
    expect(judge('handle_create_duration:p(95)<96').actual).toBeCloseTo(95, 0);
    expect(judge('handle_create_duration:max==100').ok).toBe(true);
    expect(judge('handle_create_duration:min==1').ok).toBe(true);
    expect(judge('handle_create_duration:avg<51').ok).toBe(true);
    expect(judge('http_req_duration{stage:handle_create}:med<=50.1').ok).toBe(true);
  });
  it('rates and counts', () => {
    expect(judge('http_req_failed:rate<0.01')).toMatchObject({ ok: false, actual: 0.1 });
    expect(judge('http_req_failed:rate<=0.1').ok).toBe(true);
    expect(judge('checks:rate>0.99')).toMatchObject({ ok: false, actual: 0.9 });
    expect(judge('iterations:count>99').ok).toBe(true);
    expect(judge('iterations:rate==10').ok).toBe(true);
    expect(judge('dropped_iterations:count==0')).toMatchObject({ ok: false, actual: 1 });
    expect(judge('data_sent:count==10000').ok).toBe(true);
  });
  it('a metric without samples fails (as in k6) and says so', () => {
    const t = judge('upload_duration:p(95)<100');
    expect(t.ok).toBe(false);
    expect(t.actual).toBeNull();
    expect(t.message).toMatch(/no samples/);
  });
});
