// The runner's plumbing, first without a mock: vitest runs the real suites in-process, the target reaches the
// workers as JSON, an unreachable target makes checks ERROR (never pass, never fail), skips carry their
// reason, results come in catalogue order, and no key appears anywhere in the results.
import { basename } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Vitest } from 'vitest/node';
import { CHECKS } from '../src/conformance/catalogue.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { startMockTarget } from '../src/conformance/mock-target.ts';
import { ConformanceSession, runConformance } from '../src/conformance/runner.ts';

describe('conformance runner', () => {
  it('runs the selected groups; an unreachable target errors every runnable check and exits 2', async () => {
    const apiKey = 'runner-test-secret-key';
    const r = await runConformance({
      target: { name: 'nowhere', baseUrl: 'http://127.0.0.1:1', apiKey, allowWrites: false, slow: false, control: false, timeoutMs: 2000 },
      strict: false,
      only: ['envelope', 'expiry'],
      deviations: new Map(),
    });
    const expected = CHECKS.filter((c) => c.group === 'envelope' || c.group === 'expiry').map((c) => c.id);
    expect(r.checks.map((c) => c.id)).toEqual(expected);
    expect(r.checks.filter((c) => c.status === 'pass' || c.status === 'fail')).toEqual([]);
    expect(r.checks.find((c) => c.id === 'envelope.candidate.schema')).toMatchObject({ status: 'skip', message: expect.stringContaining('--allow-writes') });
    expect(r.checks.find((c) => c.id === 'storage.policy.expired')).toMatchObject({ status: 'skip', message: expect.stringContaining('--slow') });
    const errored = r.checks.find((c) => c.id === 'envelope.handle.schema')!;
    expect(errored.status).toBe('error');
    expect(errored.message).toContain('connection-refused');
    expect(errored.exchanges[0]!.requestHeaders.authorization).toBe('[redacted]');
    expect(r.exitCode).toBe(2);
    expect(JSON.stringify(r)).not.toContain(apiKey);
  }, 60_000);
});

// The expiry group moves the mock's clock, so it must run alone, after every other group. With one worker
// the run is one batch (the files one after another, expiry last, in the worker that already loaded the
// harness); with more, expiry is a batch of its own. Both ways pass the clean mock.
describe('clock groups run alone, last', () => {
  for (const maxWorkers of [1, 2]) {
    it(`${maxWorkers} worker(s): ${maxWorkers === 1 ? 'one batch, expiry last' : 'expiry in a second batch'}`, async () => {
      const mock = await startMockTarget({ timeoutMs: 10_000 });
      const session = await ConformanceSession.open({ target: mock.target, strict: false, only: [], deviations: loadDeviations('mock'), maxWorkers });
      try {
        const batches: string[][] = [];
        const vitest = (session as unknown as { vitest: Vitest }).vitest;
        const original = vitest.runTestSpecifications.bind(vitest);
        vi.spyOn(vitest, 'runTestSpecifications').mockImplementation(async (specs, all) => {
          batches.push(specs.map((s) => basename(s.moduleId).replace(/\.test\.[jt]s$/, '')));
          return original(specs, all);
        });
        const r = await session.run();
        expect(r.exitCode, JSON.stringify(r.checks.filter((c) => c.status === 'fail' || c.status === 'error'))).toBe(0);
        const groups = [...new Set(CHECKS.filter((c) => c.scope !== 'run').map((c) => c.group))];
        expect(batches.flat().sort()).toEqual([...groups].sort());
        if (maxWorkers === 1) expect(batches).toHaveLength(1);
        else expect(batches.map((b) => b.includes('expiry'))).toEqual([false, true]);
        // What ran when: expiry started after every other file had ended.
        const files = vitest.state.getFiles().map((f) => ({ group: basename(f.filepath).replace(/\.test\.[jt]s$/, ''), start: f.result!.startTime!, end: f.result!.startTime! + f.result!.duration! }));
        const expiry = files.find((f) => f.group === 'expiry')!;
        expect(files).toHaveLength(groups.length);
        expect(Math.max(...files.filter((f) => f !== expiry).map((f) => f.end))).toBeLessThanOrEqual(expiry.start);
      } finally {
        await session.close();
        await mock.close();
      }
    }, 60_000);
  }
});
