// Regression: Ctrl-C or SIGTERM during `load` wrote no report at all. Now the first signal
// stops starting iterations and gives in-flight ones the graceful stop, a second one aborts them; all
// three reports are written from what was recorded, marked incomplete (planned and actual duration),
// and the run exits 2. With the k6 engine the signal is forwarded to k6 (once) and its output is read.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResults } from '../../src/results/index.ts';
import { runCliInterrupted } from '../support/cli.ts';

const FAKE_K6 = fileURLToPath(new URL('../fixtures/fake-k6-bin.mjs', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'uh-load-interrupt-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/**
 * Runs `load` and sends `signals` in order: each one once its trigger line has appeared on stderr.
 * Returns the exit code, the output, and the three reports.
 */
async function interrupted(args: string[], signals: { when: RegExp; signal: NodeJS.Signals }[], env: Record<string, string> = {}) {
  const reportDir = join(tmp, `run-${Math.random().toString(36).slice(2)}`);
  const { code, output: out, sent } = await runCliInterrupted(['load', ...args, '--report-dir', reportDir], signals, { env: { NO_COLOR: '1', ...env }, killAfterMs: 50_000 });
  expect(sent, out).toBe(signals.length);
  const results = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8')) as LoadResults;
  const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8');
  const html = await readFile(join(reportDir, 'index.html'), 'utf8');
  return { code, out, results, junit, html };
}

describe('load + SIGINT/SIGTERM', () => {
  it('node engine, one Ctrl-C: graceful stop, three reports marked incomplete, exit 2', async () => {
    const { code, out, results, junit, html } = await interrupted(
      ['--engine', 'node', '--target', 'mock', '--scenario', 'handle-create', '--rate', '20', '--duration', '60s', '--threshold', 'iterations:count>0'],
      [{ when: /^load \ds\/60s/m, signal: 'SIGINT' }],
    );
    expect(code, out).toBe(2);
    expect(out).toMatch(/SIGINT: stopping/);
    expect(out).toMatch(/INCOMPLETE: interrupted by SIGINT/);
    expect(results.run.incomplete).toMatchObject({ signal: 'SIGINT', aborted: false, plannedDurationMs: 60_000 });
    expect(results.run.incomplete!.actualDurationMs).toBeGreaterThan(0);
    expect(results.run.incomplete!.actualDurationMs).toBeLessThan(60_000);
    expect(results.totals.iterations).toBeGreaterThan(0);
    expect(results.totals.iterationsFailed).toBe(0); // in-flight iterations finished within the graceful stop
    expect(results.thresholds).toHaveLength(1); // still evaluated and shown, but not a verdict
    expect(junit).toMatch(/<testcase name="run completed"[^>]*>\s*<error[^>]*message="incomplete: interrupted by SIGINT/);
    expect(html).toContain('INCOMPLETE');
    expect(html).toMatch(/interrupted by SIGINT/);
  }, 60_000);

  it('node engine, a second Ctrl-C aborts in-flight iterations at once and still writes the reports', async () => {
    // Every answer takes 20 s, so the graceful stop (30 s) would outlast the test: only the abort ends it.
    const { code, out, results } = await interrupted(
      ['--engine', 'node', '--target', 'mock', '--scenario', 'handle-create', '--rate', '20', '--duration', '60s', '--mock-fault', 'latency=20000'],
      [
        { when: /^load \ds\/60s/m, signal: 'SIGINT' },
        { when: /SIGINT: stopping/, signal: 'SIGINT' },
      ],
    );
    expect(code, out).toBe(2);
    expect(out).toMatch(/SIGINT: aborting/);
    expect(results.run.incomplete).toMatchObject({ signal: 'SIGINT', aborted: true, plannedDurationMs: 60_000 });
    // Every iteration was still waiting for its answer: those cut off are counted, all as failed.
    expect(results.totals.iterationsFailed).toBe(results.totals.iterations);
    expect(results.totals.checksPassed).toBe(0);
  }, 60_000);

  it('k6 engine: SIGTERM is forwarded to k6 once, its partial output is read, exit 2', async () => {
    const record = join(tmp, 'k6-record.ndjson');
    const { code, out, results, junit } = await interrupted(
      ['--engine', 'k6', '--target', 'http://127.0.0.1:9', '--api-key', 'fake-key', '--scenario', 'handle-create', '--rate', '10', '--duration', '60s'],
      [{ when: /fake-k6: running/, signal: 'SIGTERM' }],
      { K6_BIN: FAKE_K6, FAKE_K6_REALTIME: '1', FAKE_K6_RECORD: record },
    );
    expect(code, out).toBe(2);
    const signals = (await readFile(record, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { signal?: string }).filter((r) => r.signal);
    expect(signals).toEqual([{ signal: 'SIGTERM' }]);
    expect(results.engine).toBe('k6');
    expect(results.run.k6ExitCode).toBe(105);
    expect(results.run.incomplete).toMatchObject({ signal: 'SIGTERM', aborted: false, plannedDurationMs: 60_000 });
    expect(results.run.incomplete!.actualDurationMs).toBeLessThan(60_000);
    expect(results.totals.iterations).toBeGreaterThan(0); // the points k6 wrote before it stopped
    expect(results.totals.iterations).toBeLessThan(600);
    expect(junit).toMatch(/interrupted by SIGTERM/);
  }, 60_000);
});
