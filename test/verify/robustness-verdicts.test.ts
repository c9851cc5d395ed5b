// The robustness verdicts can each be reached: the same client recovers, gives up cleanly or misbehaves
// depending on how it reacts to an injected fault (test/fixtures/clients/mutant-client.mjs, ON_FAILURE);
// each case is a run of its own, and only a misbehaving one fails.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RobustnessFault } from '../../src/verify/robustness.ts';
import { runClient } from './run-client.ts';

const MUTANT = join(import.meta.dirname, '..', 'fixtures', 'clients', 'mutant-client.mjs');

describe('robustness verdicts', () => {
  it.concurrent.each([
    ['api-429', {}, 'recovered'],
    ['storage-503', {}, 'recovered'],
    ['storage-503', { MUTANT: 'client.retry.bounded' }, 'misbehaved'],
    ['url-expired', {}, 'gave up cleanly'],
    ['url-expired', { ON_FAILURE: 'retry-same' }, 'misbehaved'],
    ['upload-reset', { ON_FAILURE: 'attach' }, 'misbehaved'],
    ['follow-up-5xx', {}, 'gave up cleanly'],
  ] as Array<[RobustnessFault, Record<string, string>, string]>)('%s with %j: %s', async (fault, env, verdict) => {
    const run = await runClient([process.execPath, MUTANT], { env, robustness: [fault] });
    expect(run.results.robustness, run.stderr).toHaveLength(1);
    expect(run.results.robustness![0]).toMatchObject({ fault, verdict });
    expect(run.results.robustness![0]!.passed).toBe(verdict !== 'misbehaved');
    if (verdict === 'misbehaved') expect(run.results.summary.failures.join('\n')).toContain(`robustness ${fault}: misbehaved`);
  });
});
