// Done-when checks of the load command against the real embedded mock (127.0.0.1, ephemeral port):
// the 10 s full-flow run at 50/s achieves the rate within 2% with 0 errors and writes the report; the
// mock's random-5xx and latency faults make the corresponding thresholds fail with exit 99.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../src/cli/load.ts';
import type { LoadResults } from '../src/results/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-load-mock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(args: string[], sub: string): Promise<{ code: number; results: LoadResults }> {
  const code = await command.run(['--engine', 'node', '--target', 'mock', '--report-dir', join(dir, sub), ...args]);
  return { code, results: JSON.parse(await readFile(join(dir, sub, 'results.json'), 'utf8')) as LoadResults };
}

describe('load against the embedded mock', () => {
  it('full-flow at 50/s for 10 s: rate within 2%, 0 errors, report written', async () => {
    const { code, results } = await load(['--scenario', 'full-flow', '--rate', '50', '--duration', '10s', '--threshold', 'http_req_failed:rate<0.01', '--threshold', 'checks:rate>0.99'], 'done-when');
    expect(code).toBe(0);
    expect(results.totals.achievedRate).toBeGreaterThanOrEqual(49);
    expect(results.totals.achievedRate).toBeLessThanOrEqual(51);
    expect(results.totals.iterations).toBeGreaterThanOrEqual(490);
    expect(results.totals).toMatchObject({ httpReqFailed: 0, iterationsFailed: 0, droppedIterations: 0, checksFailed: 0 });
    expect(results.stages.attach!.count).toBe(results.totals.iterations);
    expect(results.series.length).toBeGreaterThanOrEqual(10);
    const html = await readFile(join(dir, 'done-when', 'index.html'), 'utf8');
    expect(html).toContain('Load report: full-flow');
    // The rate testcase and one per threshold, none failed.
    expect(results.rate).toMatchObject({ held: true, late: 0, dropped: { maxVUs: 0, notStarted: 0 } });
    expect(await readFile(join(dir, 'done-when', 'junit.xml'), 'utf8')).toMatch(/tests="3" failures="0"/);
  }, 40_000);

  it('random-5xx=0.2 makes http_req_failed rate<0.01 fail → exit 99', async () => {
    const { code, results } = await load(['--scenario', 'full-flow', '--rate', '30', '--duration', '2s', '--file-sizes', '1KiB', '--mock-fault', 'random-5xx=0.2', '--threshold', 'http_req_failed:rate<0.01', '--threshold', 'checks:rate>0.99'], '5xx');
    expect(code).toBe(99);
    expect(results.totals.httpReqFailed).toBeGreaterThan(0);
    expect(results.thresholds.map((t) => t.ok)).toEqual([false, false]);
  });

  it('latency=50 makes handle_create_duration p(95)<20 fail → exit 99', async () => {
    const { code, results } = await load(['--scenario', 'handle-create', '--rate', '20', '--duration', '2s', '--mock-fault', 'latency=50', '--threshold', 'handle_create_duration:p(95)<20'], 'latency');
    expect(code).toBe(99);
    expect(results.thresholds[0]!.actual).toBeGreaterThanOrEqual(50);
    expect(results.totals.httpReqFailed).toBe(0);
  });
});
