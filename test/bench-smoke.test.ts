// Proves the bench code works (BENCH_QUICK pieces only). Asserts the STRUCTURE of the results, never
// speed: timings on a shared CI machine say nothing, and bench/run.ts is where ratios are judged.
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
  }, 120_000);
});
