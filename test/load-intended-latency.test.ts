// Latency without coordinated omission, per step: the node engine records each iteration's
// and each stage's latency from its intended start (the schedule's due time) beside the service time.
// The embedded mock runs in this process, so when it stalls (here: 800 ms of blocked event loop, as a
// stalled target host or load generator would) the iterations due meanwhile start late. Their service
// time looks normal; measured from the intended start, the stall shows in the percentiles.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoadArgs, runLoadWithReports } from '../src/cli/load.ts';
import { decodeHistogram, percentileMs } from '../src/results/index.ts';
import type { LoadResults, StageSummary } from '../src/results/index.ts';
import { runLoad } from '../src/load/run.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-intended-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const p90 = (s: StageSummary) => percentileMs(decodeHistogram(s.histogram), 90);

describe('latency from the intended start', () => {
  it('a short target stall shows in *_intended percentiles, not in the service times; thresholds see both', async () => {
    // One second into the schedule (the engine's first progress line, on the run's own clock) the
    // target (in this process) stops answering for 800 ms. (Timing it from a log line before the run
    // let set-up time move the stall out of the schedule now and then.)
    let stalled = false;
    const progress = {
      tty: false,
      write: () => {
        if (stalled) return;
        stalled = true;
        const until = performance.now() + 800;
        while (performance.now() < until);
      },
    };
    const args = ['--engine', 'node', '--target', 'mock', '--mock-fault', 'latency=20', '--scenario', 'full-flow', '--rate', '40', '--duration', '2500ms', '--file-sizes', '1KiB', '--report-dir', join(dir, 'stall'),
      '--threshold', 'iteration_duration:p(90)<400', '--threshold', 'iteration_duration_intended:p(90)<400', '--threshold', 'handle_create_duration_intended:p(90)<400'];
    const outcome = await runLoadWithReports({ ...parseLoadArgs(args, {}), progress, log: () => {} });
    expect(stalled).toBe(true);
    const r = outcome.results!;
    const intended = r.intended!;
    expect(r.totals.iterations).toBeGreaterThan(50);
    expect(r.totals.iterationsFailed).toBe(0);
    // Recorded for every iteration and stage, never below the service time.
    expect(intended.iteration.count).toBe(r.iteration.count);
    for (const stage of ['handle_create', 'upload', 'attach', 'setup'] as const) {
      expect(intended.stages[stage]!.count, stage).toBe(r.stages[stage]!.count);
      expect(intended.stages[stage]!.latencyMs.min, stage).toBeGreaterThanOrEqual(r.stages[stage]!.latencyMs.min);
      expect(intended.stages[stage]!.latencyMs.max, stage).toBeGreaterThanOrEqual(r.stages[stage]!.latencyMs.max);
    }
    // ~32 of ~100 iterations were due during the stall and started up to 800 ms late (not late by the
    // 1 s bound: the rate was held).
    expect(r.rate).toMatchObject({ held: true, late: 0 });
    expect(p90(intended.iteration) - p90(r.iteration)).toBeGreaterThan(200);
    expect(p90(intended.stages.handle_create!) - p90(r.stages.handle_create!)).toBeGreaterThan(200);
    expect(r.thresholds.map((t) => [t.metric, t.ok])).toEqual([['iteration_duration', true], ['iteration_duration_intended', false], ['handle_create_duration_intended', false]]);
    expect(outcome.exitCode).toBe(99);
    const html = await readFile(outcome.paths!.html, 'utf8');
    expect(html).toContain('Latency from the intended start');
    expect(html).toMatch(/<td>iteration<\/td><td>intended start<\/td><td>\d+<\/td>/);
    const json = JSON.parse(await readFile(outcome.paths!.json, 'utf8')) as LoadResults;
    expect(json.intended!.stages.upload!.histogram).toBeTruthy();
  }, 60_000);

  it('the k6 engine does not measure them: such a threshold is refused up front', async () => {
    const { UsageError } = await import('../src/config/errors.ts');
    const args = ['--target', 'http://127.0.0.1:9', '--api-key', 'k', '--scenario', 'upload', '--threshold', 'upload_duration_intended:p(95)<100'];
    // Named engine: refused while parsing; auto: once it has picked k6.
    expect(() => parseLoadArgs(['--engine', 'k6', ...args], {})).toThrow(/upload_duration_intended is measured by the node engine only/);
    const config = parseLoadArgs(['--engine', 'auto', ...args], {});
    const saved = process.env.K6_BIN;
    process.env.K6_BIN = fileURLToPath(new URL('./fixtures/fake-k6-bin.mjs', import.meta.url));
    try {
      await expect(runLoad({ ...config, log: () => {} })).rejects.toThrow(UsageError);
      await expect(runLoad({ ...config, log: () => {} })).rejects.toThrow(/upload_duration_intended is measured by the node engine only/);
    } finally {
      if (saved === undefined) delete process.env.K6_BIN;
      else process.env.K6_BIN = saved;
    }
  });
});
