// The client mutant matrix: one deliberately broken client per client rule
// (test/fixtures/clients/mutant-client.mjs, MUTANT=<rule id>), each caught by EXACTLY the rule named for
// it — no other rule fires — and the unbroken client breaks none. The score is printed (README keeps it).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_RULE_IDS } from '../../src/verify/rules.ts';
import type { RobustnessFault } from '../../src/verify/robustness.ts';
import { brokenRules, runClient } from './run-client.ts';

const MUTANT = join(import.meta.dirname, '..', 'fixtures', 'clients', 'mutant-client.mjs');
/** Retry mutants need a failure to react to. */
const FAULT_FOR: Record<string, RobustnessFault[]> = { 'client.retry.retry-after': ['api-429'], 'client.retry.bounded': ['storage-503'] };
/** Short URL lifetime so the within-expiry mutant (which waits 3.5 s) is late; the others upload at once. */
const TTL_MS = 3000;
const caught: string[] = [];

describe('client mutant matrix', () => {
  afterAll(() => {
    const pct = Math.round((caught.length / CLIENT_RULE_IDS.length) * 100);
    console.log(`client mutant matrix: ${caught.length}/${CLIENT_RULE_IDS.length} mutants caught by exactly their rule (${pct} %)`);
  });

  it.each([[], ['api-429'], ['storage-503']] as RobustnessFault[][])('the unbroken client breaks no rule (robustness: %j)', async (...faults) => {
    const run = await runClient([process.execPath, MUTANT], { robustness: faults.length ? faults : undefined, uploadTtlMs: faults.length ? undefined : TTL_MS });
    expect(brokenRules(run.results)).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.results.summary.passed).toBe(true);
  });

  it.concurrent.each(CLIENT_RULE_IDS)('%s: caught by exactly that rule', async (id) => {
    const faults = FAULT_FOR[id];
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: id }, ...(faults ? { robustness: faults } : { uploadTtlMs: TTL_MS }) });
    expect(brokenRules(run.results), run.stderr).toEqual([id]);
    expect(run.results.summary.passed).toBe(false);
    caught.push(id);
  });
});
