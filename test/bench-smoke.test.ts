// Proves the bench code works (BENCH_QUICK pieces only). Asserts the STRUCTURE of the results, never
// speed: timings on a shared CI machine say nothing, and bench/run.ts is where ratios are judged.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../bench/table.ts';
import { row } from '../bench/benches.ts';
import { runBenches } from '../bench/run.ts';

describe('bench (quick smoke)', () => {
  it('row() decides PASS/MISS from the target, and report-only rows have none', () => {
    expect(row({ id: 'a', name: 'a', value: 0.8, unit: 'x', target: { op: '>=', value: 0.75 }, detail: {} }).pass).toBe(true);
    expect(row({ id: 'b', name: 'b', value: 70, unit: 'MiB', target: { op: '<', value: 64 }, detail: {} }).pass).toBe(false);
    expect(row({ id: 'c', name: 'c', value: 12, unit: 'ms', detail: {} }).pass).toBeUndefined();
    const table = renderTable([row({ id: 'a', name: 'ratio', value: 0.5, unit: 'x', target: { op: '>=', value: 0.75 }, detail: {} })]);
    expect(table).toContain('| ratio | 0.50× | ≥ 0.75× | MISS |');
  });

  it('the handle, ingest and build benches run and report ratios with targets', async () => {
    const lines: string[] = [];
    // Without the peers (no Prism started by a test): its row in the handle bench is then skipped, with the reason.
    const peers = process.env.BENCH_PEERS;
    process.env.BENCH_PEERS = '0';
    let r: Awaited<ReturnType<typeof runBenches>>;
    try {
      r = await runBenches(['handle', 'ingest', 'build'], { quick: true, log: (l) => lines.push(l) });
    } finally {
      if (peers === undefined) delete process.env.BENCH_PEERS;
      else process.env.BENCH_PEERS = peers;
    }
    expect(r.failures).toEqual([]);
    expect(r.rows.map((x) => x.id)).toEqual(['handle.rps', 'peers.prism', 'handle.bound', 'ingest.mbps', 'ingest.md5', 'ingest.rss', 'k6.build']);
    expect(r.rows[1]).toMatchObject({ skipped: 'BENCH_PEERS=0' });
    expect(r.rows[1]!.pass).toBeUndefined();
    for (const x of r.rows.filter((row) => row.skipped === undefined)) {
      expect(Number.isFinite(x.value)).toBe(true);
      if (x.target) expect(typeof x.pass).toBe('boolean');
    }
    const handle = r.rows[0]!.detail as { mockRps: number; bareRps: number; mockP50Ms: number; bareP99Ms: number };
    expect(handle.mockRps).toBeGreaterThan(0);
    expect(handle.bareRps).toBeGreaterThan(0);
    expect(r.rows[0]!.value).toBeGreaterThan(0);
    expect(r.rows[2]!.value).toBeGreaterThan(0);
    expect(lines.some((l) => /handle ratios \(this run\): mock ÷ bare node:http [\d.]+×, mock ÷ Prism skipped \(BENCH_PEERS=0\)/.test(l))).toBe(true);
    // Each ratio is the quotient of the measurements its row reports (recomputed here), not a constant.
    const byId = new Map(r.rows.map((x) => [x.id, x]));
    const detail = <T>(id: string) => byId.get(id)!.detail as T;
    expect(byId.get('handle.rps')!.value).toBeCloseTo(handle.mockRps / handle.bareRps, 1);
    const bound = detail<{ bareUsPerRequest: number; necessaryUs: { total: number } }>('handle.bound');
    expect(bound.necessaryUs.total).toBeGreaterThan(0);
    expect(byId.get('handle.bound')!.value).toBeCloseTo(bound.bareUsPerRequest / (bound.bareUsPerRequest + bound.necessaryUs.total), 1);
    const ingest = detail<{ mockMiBps: number; sinkMiBps: number }>('ingest.mbps');
    expect(byId.get('ingest.mbps')!.value).toBeCloseTo(ingest.mockMiBps / ingest.sinkMiBps, 1);
    const md5 = detail<{ mockCurlMiBps: number; md5MiBps: number }>('ingest.md5');
    expect(byId.get('ingest.md5')!.value).toBeCloseTo(md5.mockCurlMiBps / md5.md5MiBps, 1);
    // The rows that carry targets, and PASS/MISS is their comparison.
    expect(r.rows.filter((x) => x.target).map((x) => x.id)).toEqual(['handle.rps', 'ingest.md5', 'ingest.rss']);
    for (const x of r.rows.filter((y) => y.target)) {
      const { op, value } = x.target!;
      expect(x.pass, x.id).toBe(op === '>=' ? x.value >= value : op === '<=' ? x.value <= value : x.value < value);
    }
  }, 120_000);

  it('a bench named as an argument, or an unknown one in BENCH_ONLY, is a usage error (exit 2), not a run of every bench', () => {
    const root = join(import.meta.dirname, '..');
    const bench = (args: string[], only?: string) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'run.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { ...process.env, BENCH_ONLY: only ?? '' } });
    const positional = bench(['client']);
    expect(positional.status).toBe(2);
    expect(positional.stderr).toMatch(/^bench: no arguments are taken \(got client\); choose benches with BENCH_ONLY=.*\bclient\b/);
    const unknown = bench([], 'handle,nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^bench: unknown bench "nope" in BENCH_ONLY/);
    expect(positional.stdout + unknown.stdout).toBe(''); // no table: nothing ran
  });
});
