// The runner's plumbing without a mock: vitest runs the real suites in-process, the target reaches the
// workers as JSON, an unreachable target makes checks ERROR (never pass, never fail), skips carry their
// reason, results come in catalogue order, and no key appears anywhere in the results.
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../src/conformance/catalogue.ts';
import { runConformance } from '../src/conformance/runner.ts';

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
