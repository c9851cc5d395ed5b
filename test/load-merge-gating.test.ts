// `report merge` gates a distributed run like a single one: the parts' thresholds are kept
// and evaluated on the merged histograms and counters, JUnit lists them, exit 99 when one fails; files
// that cannot be merged honestly are refused with one line (exit 2); missing segments are reported.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { checkMergeable, mergeResults } from '../src/load/merge.ts';
import { LoadMeasurements } from '../src/load/measurements.ts';
import type { LoadResults } from '../src/results/index.ts';
import { evaluateThresholds, parseThresholdFlag } from '../src/load/thresholds.ts';
import { loadResultsOf } from './fixtures/load-results.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** One part of a distributed run: `n` iterations of 10–19 ms uploads, `dropped` dropped, its own thresholds evaluated. */
function part(o: { n: number; dropped?: number; thresholds: string[]; segment?: string; scenario?: 'upload' | 'handle-create'; slow?: number }): LoadResults {
  const r = new LoadMeasurements(T0);
  for (let i = 0; i < o.n; i++) {
    const ms = i < (o.slow ?? 0) ? 900 : 10 + (i % 10);
    const at = T0 + ((i * 37) % 3000);
    r.request('upload', true, ms, 10, 20, at);
    r.check(true);
    r.iterationStarted(at);
    r.iterationDone(true, ms, at);
  }
  for (let i = 0; i < (o.dropped ?? 0); i++) r.droppedIteration(T0 + 100 * i);
  const results = loadResultsOf(r, { startedAt: T0, durationMs: 3000, rate: 10, scenario: o.scenario, target: 'https://staging.example', thresholds: o.thresholds, executionSegment: o.segment });
  results.thresholds = evaluateThresholds(results, o.thresholds.flatMap(parseThresholdFlag));
  return results;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-merge-gate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `upload-harness report merge` on the parts (written as files); returns exit code, stderr lines, the merged files. */
async function merge(parts: LoadResults[], extra: string[] = []) {
  const sub = join(dir, Math.random().toString(36).slice(2));
  const files = await Promise.all(parts.map(async (p, i) => {
    const f = join(dir, `${Math.random().toString(36).slice(2)}-part${i}.json`);
    await writeFile(f, JSON.stringify(p));
    return f;
  }));
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const code = await main(['report', 'merge', ...files, '--report-dir', sub, ...extra]);
    const read = async (f: string) => readFile(join(sub, f), 'utf8').catch(() => undefined);
    const json = await read('results.json');
    return { code, lines, merged: json ? (JSON.parse(json) as LoadResults) : undefined, junit: await read('junit.xml') };
  } finally {
    spy.mockRestore();
  }
}

describe('merged runs are gated like single runs', () => {
  it('every part passes its threshold, the merged run fails it → 99, JUnit lists it', async () => {
    const gate = ['dropped_iterations:count<10', 'upload_duration:p(95)<500'];
    const parts = [part({ n: 100, dropped: 6, thresholds: gate, segment: '0:1/2' }), part({ n: 100, dropped: 6, thresholds: gate, segment: '1/2:1' })];
    for (const p of parts) expect(p.thresholds.map((t) => t.ok)).toEqual([true, true]);
    const { code, merged, junit, lines } = await merge(parts);
    expect(code, lines.join('\n')).toBe(99);
    expect(merged!.options.thresholds).toEqual(gate); // kept from the parts
    expect(merged!.totals.droppedIterations).toBe(12);
    expect(merged!.thresholds.map((t) => [t.metric, t.ok, t.actual])).toEqual([['dropped_iterations', false, 12], ['upload_duration', true, merged!.stages.upload!.latencyMs.p95]]);
    expect(junit).toMatch(/<testcase name="dropped_iterations: count&lt;10"[^>]*>\s*<failure/);
    expect(junit).toContain('upload_duration: p(95)&lt;500');
    expect(lines.join('\n')).toMatch(/threshold FAIL dropped_iterations count<10/);
    expect(lines.join('\n')).not.toMatch(/segments missing/);
  });

  it('the reverse: every part fails, the merged run passes → 0', async () => {
    const gate = ['iterations:count>150', 'iterations:rate>50'];
    const parts = [part({ n: 100, thresholds: gate }), part({ n: 100, thresholds: gate })];
    for (const p of parts) expect(p.thresholds.map((t) => t.ok)).toEqual([false, false]);
    const { code, merged, junit } = await merge(parts);
    expect(code).toBe(0);
    expect(merged!.thresholds.map((t) => [t.ok, t.actual])).toEqual([[true, 200], [true, 200 / 3]]);
    expect(junit).not.toContain('<failure');
  });

  it('percentiles come from the merged histogram: the parts\' p(95) average passes, the exact merged p(95) fails', async () => {
    // Nine parts with 4 % slow (900 ms) requests and one with 60 %: the parts' p(95) are [19 ×9, 900],
    // whose average (~107) passes, while the merged histogram (96 slow of 1000) has p(95) = 900.
    const gate = ['upload_duration:p(95)<300'];
    const parts = [...Array.from({ length: 9 }, () => part({ n: 100, slow: 4, thresholds: gate })), part({ n: 100, slow: 60, thresholds: gate })];
    const averaged = parts.reduce((a, p) => a + p.stages.upload!.latencyMs.p95, 0) / parts.length;
    expect(averaged).toBeLessThan(300);
    const { code, merged } = await merge(parts);
    expect(code).toBe(99);
    expect(merged!.thresholds[0]!.actual).toBeGreaterThan(800);
  });

  it('says which segments are missing, and merges what is there', async () => {
    const parts = [part({ n: 50, thresholds: [], segment: '0:1/4' }), part({ n: 50, thresholds: [], segment: '1/4:2/4' })];
    const { code, lines, merged } = await merge(parts);
    expect(code).toBe(0);
    expect(lines.filter((l) => /segments missing/.test(l))).toEqual([expect.stringMatching(/^note: execution segments missing: 1\/2:1 \(the merged run covers 0:1\/4, 1\/4:2\/4 only/)]);
    expect(merged!.options.executionSegment).toBe('0:1/4,1/4:2/4');
    // …and a merged file merges again with the rest: then nothing is missing.
    const rest = part({ n: 100, thresholds: [], segment: '2/4:1' });
    expect(checkMergeable([merged!, rest]).notes).toEqual([]);
    expect(mergeResults([merged!, rest]).options.executionSegment).toBeUndefined();
    expect(checkMergeable([part({ n: 1, thresholds: [], segment: '1/3:2/3' })]).notes).toEqual([expect.stringMatching(/missing: 0:1\/3, 2\/3:1 /)]);
  });

  it('refuses, with one line and exit 2, what cannot be merged honestly', async () => {
    const gate = ['checks:rate>0.99'];
    const cases: [LoadResults[], RegExp][] = [
      [[part({ n: 5, thresholds: gate }), part({ n: 5, thresholds: gate, scenario: 'handle-create' })], /different scenarios: upload, handle-create/],
      [[part({ n: 5, thresholds: gate }), part({ n: 5, thresholds: ['checks:rate>0.9'] })], /different threshold sets: .*\[checks:rate>0\.99\], .*\[checks:rate>0\.9\]/],
      [[part({ n: 5, thresholds: gate }), part({ n: 5, thresholds: [] })], /different threshold sets: .* has \[none\]/],
      [[part({ n: 5, thresholds: gate, segment: '0:1/2' }), part({ n: 5, thresholds: gate, segment: '1/4:3/4' })], /overlapping execution segments: 0:1\/2 \(.*part0\.json\) and 1\/4:3\/4/],
      [[part({ n: 5, thresholds: gate, segment: '0:1/2' }), part({ n: 5, thresholds: gate, segment: '0:1/2' })], /overlapping execution segments/],
      [[part({ n: 5, thresholds: gate, segment: '0:1/2' }), part({ n: 5, thresholds: gate })], /segmented and unsegmented runs: .*part1\.json has no execution segment/],
      [[part({ n: 5, thresholds: gate }), { ...part({ n: 5, thresholds: gate }), schemaVersion: 7 }], /results schema 7; this upload-harness reads schema 2/],
    ];
    for (const [parts, message] of cases) {
      const { code, lines, merged } = await merge(parts);
      expect(code, lines.join('\n')).toBe(2);
      expect(lines.filter((l) => l.startsWith('error')), lines.join('\n')).toEqual([expect.stringMatching(message)]);
      expect(merged).toBeUndefined(); // nothing written
    }
    // Threshold sets are compared as sets: order and repetition do not matter.
    expect(() => checkMergeable([part({ n: 1, thresholds: ['checks:rate>0.99,rate>0.5', 'iterations:count>0'] }), part({ n: 1, thresholds: ['iterations:count>0', 'checks:rate>0.5', 'checks:rate>0.99'] })])).not.toThrow();
  });
});
