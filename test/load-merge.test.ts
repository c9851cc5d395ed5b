// Merging results of several processes is exact: percentiles come from the merged HDR histograms and
// equal those of one recorder that saw every sample; counts are summed; seconds line up. Plus the
// baseline comparison and the report writers.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as reportCommand } from '../src/cli/report.ts';
import { compareWithBaseline } from '../src/load/baseline.ts';
import { mergeResults } from '../src/load/merge.ts';
import { LoadMeasurements } from '../src/load/measurements.ts';
import { writeReports } from '../src/cli/report-files.ts';
import type { LoadResults } from '../src/results/index.ts';
import { loadResultsOf } from './fixtures/load-results.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function results(samples: { stage: 'handle_create' | 'upload'; ms: number; ok: boolean; at: number }[], instance = '0'): LoadResults {
  const r = new LoadMeasurements(T0);
  for (const s of samples) {
    r.request(s.stage, s.ok, s.ms, 10, 20, T0 + s.at);
    r.check(s.ok);
    r.iterationStarted(T0 + s.at);
    r.iterationDone(s.ok, s.ms, T0 + s.at);
  }
  const results = loadResultsOf(r, { startedAt: T0, durationMs: 3000, rate: 100 / 3, thresholds: ['upload_duration:p(99)<1000'] });
  results.run.instances = [instance];
  return results;
}

// Skewed, different distributions per instance: averaging their percentiles would be wrong.
const a = Array.from({ length: 900 }, (_, i) => ({ stage: 'upload' as const, ms: 5 + (i % 10), ok: true, at: (i * 3) % 3000 }));
const b = Array.from({ length: 100 }, (_, i) => ({ stage: 'upload' as const, ms: 500 + i, ok: i % 20 !== 0, at: (i * 29) % 3000 }));

describe('report merge', () => {
  it('recomputes percentiles from merged histograms (equal to a single run over all samples)', () => {
    const merged = mergeResults([results(a, '0'), results(b, '1')]);
    const single = results([...a, ...b]);
    expect(merged.stages.upload!.latencyMs).toEqual(single.stages.upload!.latencyMs);
    expect(merged.stages.upload!.latencyMs.p95).toBeGreaterThan(500); // not the mean of two p95s
    expect(merged.totals).toMatchObject({ iterations: 1000, httpReqs: 1000, httpReqFailed: 5, bytesSent: 10_000 });
    expect(merged.series.map((s) => s.t)).toEqual(single.series.map((s) => s.t));
    expect(merged.series.map((s) => s.stages.upload!.p99)).toEqual(single.series.map((s) => s.stages.upload!.p99));
    expect(merged.run.instances).toEqual(['0:0', '1:1']);
  });

  it('the CLI writes one report and re-evaluates thresholds on the merged data (exit 99)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uh-merge-'));
    try {
      await writeFile(join(dir, 'a.json'), JSON.stringify(results(a, '0')));
      await writeFile(join(dir, 'b.json'), JSON.stringify(results(b, '1')));
      const code = await reportCommand.run(['merge', join(dir, 'a.json'), join(dir, 'b.json'), '--report-dir', join(dir, 'out')]);
      expect(code).toBe(0);
      const merged = JSON.parse(await readFile(join(dir, 'out', 'results.json'), 'utf8')) as LoadResults;
      expect(merged.totals.iterations).toBe(1000);
      expect(merged.thresholds[0]).toMatchObject({ metric: 'upload_duration', ok: true });
      expect(await reportCommand.run(['merge', join(dir, 'a.json'), join(dir, 'b.json'), '--threshold', 'upload_duration:p(95)<100', '--report-dir', join(dir, 'out2')])).toBe(99);
      await expect(reportCommand.run(['merge', join(dir, 'missing.json')])).rejects.toThrow(/cannot read results file/);
      await expect(reportCommand.run(['combine'])).rejects.toThrow(/unknown subcommand/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('baseline comparison', () => {
  const fast = results(a);
  const slow = results(a.map((s) => ({ ...s, ms: s.ms * 1.5 })));
  it('flags latency regressions beyond the limit and passes within it', () => {
    const c = compareWithBaseline(slow, fast, 'base.json', 10);
    expect(c.ok).toBe(false);
    const p95 = c.rows.find((r) => r.metric === 'upload p95 (ms)')!;
    expect(p95.regression).toBe(true);
    expect(p95.deltaPct).toBeCloseTo(50, 0);
    expect(compareWithBaseline(slow, fast, 'base.json', 60).ok).toBe(true);
    expect(compareWithBaseline(fast, slow, 'base.json', 10).ok).toBe(true); // faster is never a regression
  });
  it('error rate uses an absolute floor; throughput drops count', () => {
    const withErrors = results(b);
    const c = compareWithBaseline(withErrors, results(b.map((s) => ({ ...s, ok: true }))), 'base.json', 10);
    expect(c.rows.find((r) => r.metric === 'http error rate')!.regression).toBe(true);
  });
});

describe('load report files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uh-report-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  it('index.html is self-contained (uPlot inlined, no external URLs); junit has one testcase per threshold', async () => {
    const r = results([...a, ...b]);
    r.thresholds = [
      { metric: 'upload_duration', expression: 'p(95)<100', ok: false, actual: 550, message: 'upload_duration p(95)<100: FAILED (observed 550)' },
      { metric: 'checks', expression: 'rate>0.9', ok: true, actual: 0.995, message: 'ok' },
    ];
    r.baseline = compareWithBaseline(r, results(a), 'base.json', 10);
    const paths = await writeReports(dir, 'load', r, []);
    const html = await readFile(paths.html, 'utf8');
    expect(html).toContain('uPlot');
    expect(html).toMatch(/\.uplot\s*\{|\.uplot,/);
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain('FAIL');
    expect(html).toContain('Baseline comparison');
    const junit = await readFile(paths.junit, 'utf8');
    // The rate testcase, one per threshold, one per baseline row.
    expect(junit.match(/<testcase /g)!.length).toBe(1 + 2 + r.baseline.rows.length);
    expect(junit).toMatch(/<testcase name="rate held"/);
    expect(junit).toContain('upload_duration: p(95)&lt;100');
  });
});
