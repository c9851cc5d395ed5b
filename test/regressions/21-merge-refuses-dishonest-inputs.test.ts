// Regression: `report merge a.json a.json` summed the same run twice; two runs made 25 s apart
// merged as if they had run together; `"count":"lots"` merged into "0lots15" and the output failed the
// results schema; a bad histogram gave `error [internal]: Encoding not supported` without naming the
// file. Merge now refuses (exit 2, naming the file and the JSON path) what it cannot merge honestly —
// every input is validated against the schema and its histograms decoded; the same run twice (run
// ids); windows that do not overlap unless --sequential; differing scenario or settings — and what it
// writes validates against the schema.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.ts';
import { LoadMeasurements } from '../../src/load/measurements.ts';
import type { LoadResults } from '../../src/results/index.ts';
import { SCHEMA_DIR } from '../../src/validation/index.ts';
import { loadResultsOf } from '../fixtures/load-results.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(await readFile(join(SCHEMA_DIR, 'reports', 'load-results.json'), 'utf8')));

/** A 2 s run at 10/s starting `startAt` ms after T0 (its own run id). */
function run(startAt = 0, rate = 10): LoadResults {
  const t = T0 + startAt;
  const r = new LoadMeasurements(t);
  for (let i = 0; i < 2 * rate; i++) {
    const at = t + (i * 1000) / rate;
    r.request('upload', true, 10 + (i % 7), 100, 200, at + 10);
    r.check(true);
    r.iterationStarted(at);
    r.iterationDone(true, 10 + (i % 7), at + 10);
  }
  return loadResultsOf(r, { startedAt: t, durationMs: 2000, rate });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-21-merge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: unknown): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

/** `report merge` as the CLI runs it: exit code, its stderr lines, the merged results.json if written. */
async function merge(...args: string[]) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    const code = await main(['report', 'merge', ...args, '--report-dir', out]);
    const merged = await readFile(join(out, 'results.json'), 'utf8').then((t) => JSON.parse(t) as LoadResults, () => undefined);
    return { code, error: lines.find((l) => l.startsWith('error')), merged };
  } finally {
    spy.mockRestore();
  }
}

describe('report merge refuses what it cannot merge honestly', () => {
  it('the same run twice (also inside a merged file)', async () => {
    const a = await file('a.json', run());
    const twice = await merge(a, a);
    expect(twice.code).toBe(2);
    expect(twice.error).toMatch(new RegExp(`^error \\[usage\\]: ${a} and ${a} hold the same run \\(/run/id [0-9a-f-]{36}\\): merged, it would be counted twice$`));
    expect(twice.merged).toBeUndefined();
    const b = await file('b.json', run(500));
    const ab = await merge(a, b);
    expect(ab.code).toBe(0);
    const again = await merge(await file('ab.json', ab.merged), b);
    expect(again.error).toMatch(/hold the same run \(\/run\/id/);
  });

  it('runs that did not run at the same time, unless --sequential', async () => {
    const a = await file('first.json', run(0));
    const b = await file('later.json', run(25_000));
    const apart = await merge(a, b);
    expect(apart.code).toBe(2);
    expect(apart.error).toMatch(/first\.json \(\/run\/startedAt 2026-01-01T00:00:00\.000Z – \/run\/finishedAt .*\) and .*later\.json \(\/run\/startedAt 2026-01-01T00:00:25\.000Z .* did not run at the same time/);
    const sequential = await merge(a, b, '--sequential');
    expect(sequential.code).toBe(0);
    // One after another: the rate is over the two windows (4 s), not over the 27 s from first start to last end.
    expect(sequential.merged!.run.durationMs).toBe(4000);
    expect(sequential.merged!.totals.achievedRate).toBe(10);
    expect(sequential.merged!.rate).toMatchObject({ targetRate: 10, scheduled: 40, held: true });
    expect(sequential.merged!.run.sequential).toBe(true);
    // …and --sequential refuses runs that did overlap.
    expect((await merge(a, await file('overlap.json', run(1000)), '--sequential')).error).toMatch(/--sequential, but .* overlap/);
  });

  it('a file that does not match the results schema, naming the file and the JSON path', async () => {
    const bad = run();
    (bad.stages.upload as unknown as { count: string }).count = 'lots';
    const f = await file('lots.json', bad);
    const out = await merge(await file('ok.json', run()), f);
    expect(out.code).toBe(2);
    expect(out.error).toBe(`error [usage]: ${f} does not match the load results schema at /stages/upload/count: must be integer`);
    expect(out.merged).toBeUndefined();
  });

  it('an unreadable histogram, naming the file and the JSON path (no "internal" error)', async () => {
    const bad = run();
    bad.series[1]!.stages.upload!.histogram = 'AAAAAA==';
    const f = await file('histogram.json', bad);
    const out = await merge(f, await file('fine.json', run()));
    expect(out.code).toBe(2);
    expect(out.error).toBe(`error [usage]: ${f}: /series/1/stages/upload/histogram is not a readable HdrHistogram (Encoding not supported, only V2 is supported)`);
  });

  it('runs of different scenarios or settings', async () => {
    const a = await file('rate10.json', run(0, 10));
    const b = await file('rate20.json', run(0, 20));
    const out = await merge(a, b);
    expect(out.code).toBe(2);
    expect(out.error).toBe(`error [usage]: cannot merge runs with different settings: ${a} has /options/rate 10, ${b} has 20`);
    const other = { ...run(), scenario: 'handle-create' as const, options: { ...run().options, scenario: 'handle-create' } };
    expect((await merge(a, await file('scenario.json', other))).error).toMatch(/different scenarios: upload, handle-create/);
  });

  it('what it writes validates against the results schema, and an older schema is refused with what to do', async () => {
    const out = await merge(await file('p1.json', run(0)), await file('p2.json', run(300)));
    expect(out.code).toBe(0);
    expect(validate(out.merged), JSON.stringify(validate.errors)).toBe(true);
    expect(out.merged!.run.mergedFrom).toHaveLength(2);
    const old = { ...run(), schemaVersion: 1 };
    expect((await merge(await file('v1.json', old), await file('p3.json', run()))).error).toMatch(/v1\.json has results schema 1, written by an older upload-harness: it has no run id and no rate record/);
  });
});
