// Regression: `load --rate 100001 --duration 2s` against the embedded mock ran ~30 s, printed
// "iterations 200002 (100001.0/s), failed 0, dropped 0" and an HTML "PASSED · achieved rate 100001 it/s",
// exit 0, while its own chart showed 2–10k iterations/s: the rate was computed over the scheduled 2 s,
// the default max VUs (2 × rate) was never reached, and iterations started 16 s late counted as nothing.
// Now the run stops starting iterations --max-start-delay after the schedule, counts the late and the
// never-started ones, measures the achieved rate over its real window, and exits 99 "rate not held"
// (in the console, results.json, HTML and JUnit), unless --allow-rate-shortfall.
// A smaller overload than the (the same shape, a fraction of the cost): 50,000/s for 500 ms.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoadArgs, runLoadWithReports } from '../../src/cli/load.ts';
import type { LoadResults } from '../../src/results/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-21-overload-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const OVERLOAD = ['--engine', 'node', '--target', 'mock', '--scenario', 'handle-create', '--rate', '50000', '--duration', '500ms'];

async function run(extra: string[], sub: string) {
  const lines: string[] = [];
  const outcome = await runLoadWithReports({ ...parseLoadArgs([...OVERLOAD, '--report-dir', join(dir, sub), ...extra], {}), progress: null, log: (l) => void lines.push(l) });
  const results = JSON.parse(await readFile(outcome.paths!.json, 'utf8')) as LoadResults;
  return { outcome, results, lines, html: await readFile(outcome.paths!.html, 'utf8'), junit: await readFile(outcome.paths!.junit, 'utf8') };
}

describe('an overloaded run says so', () => {
  it('max VUs has a default a run can reach', () => {
    expect(parseLoadArgs(['--rate', '100001'], {}).maxVUs).toBe(1000);
  });

  it('exits 99 naming "rate not held", with figures that add up, in every report', async () => {
    const { outcome, results, lines, html, junit } = await run([], 'over');
    expect(outcome.exitCode).toBe(99);
    const r = results.rate;
    expect(r.held).toBe(false);
    expect(lines.join('\n')).toMatch(/^RATE NOT HELD: target 50,000\/s/m);
    // What was scheduled either started or was dropped; nothing was counted twice or lost.
    expect(r.scheduled).toBe(25_000);
    expect(r.started + r.dropped.maxVUs + r.dropped.notStarted).toBe(r.scheduled);
    expect(results.totals.droppedIterations).toBe(r.dropped.maxVUs + r.dropped.notStarted);
    // The achieved rate is the completed iterations over the real window, which the per-second series adds up to.
    expect(results.series.reduce((a, s) => a + s.completed, 0)).toBe(results.totals.iterations);
    expect(r.achievedRate).toBeCloseTo(results.totals.iterations / (r.windowMs / 1000), 0);
    expect(results.totals.achievedRate).toBe(r.achievedRate);
    expect(r.windowMs).toBeGreaterThan(500);
    expect(r.achievedRate).toBeLessThan(0.95 * r.targetRate);
    expect(r.shortfalls.length).toBeGreaterThan(0);
    // The generator's own load is reported beside it.
    expect(r.generator!.eventLoopUtilization).toBeGreaterThan(0);
    expect(results.series.reduce((a, s) => a + s.scheduled, 0)).toBe(r.scheduled);
    // HTML: no PASSED, the verdict and the target line; JUnit: a failed "rate held" case.
    expect(html).not.toContain('badge pass">PASSED');
    expect(html).toContain('RATE NOT HELD');
    expect(html).toContain('{ label: \'target\', data: d.scheduled }');
    // The chart's achieved line (per second, the partial first and last seconds as rates) spans the reported rate.
    const chart = JSON.parse(/<script type="application\/json" id="load-data">(.*?)<\/script>/s.exec(html)![1]!) as { completed: number[]; scheduled: number[] };
    expect(Math.min(...chart.completed)).toBeLessThanOrEqual(r.achievedRate);
    expect(Math.max(...chart.completed)).toBeGreaterThanOrEqual(r.achievedRate);
    expect(Math.max(...chart.scheduled)).toBeGreaterThan(Math.max(...chart.completed));
    expect(junit).toMatch(/<testcase name="rate held"[^>]*>\s*<failure message="rate not held: /);
    expect(junit).toMatch(/<property name="rate.held" value="false"\/>/);
  }, 60_000);
});
