// The client mutant matrix: one deliberately broken client per client rule
// (test/fixtures/clients/mutant-client.mjs, MUTANT=<rule id>), each caught by EXACTLY the rule named for
// it — no other rule fires — and the unbroken client breaks none; plus two mutants named for what they
// do, each failing the run for the right reason: "never uploads" (a handle, then exit 0: fewer complete
// flows than --min-flows) and "hot retry" (a failed upload retried at once, over and over: provoked by
// the storage-503 robustness case, which it fails as misbehaved). The score is printed (README keeps it).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_RULE_IDS } from '../../src/verify/rules.ts';
import type { RobustnessFault } from '../../src/verify/robustness.ts';
import { brokenRules, runClient, type RunClientOptions } from './run-client.ts';

const MUTANT = join(import.meta.dirname, '..', 'fixtures', 'clients', 'mutant-client.mjs');
/** Short URL lifetime so the within-expiry mutant (which waits 3.5 s) is late; the others upload at once. */
const TTL_MS = 3000;
/** What a mutant needs to show its fault: a failure to react to, or a bucket that allows one origin only. */
const OPTIONS_FOR: Record<string, RunClientOptions> = {
  'client.retry.retry-after': { robustness: ['api-429'] },
  'client.retry.bounded': { robustness: ['storage-503'] },
  'client.upload.cors-allowed': { storageCors: { allowedOrigins: ['http://app.example'] }, uploadTtlMs: TTL_MS },
};
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
    expect(run.results.summary.passed, run.results.summary.failures.join('\n')).toBe(true);
  });

  it.concurrent.each(CLIENT_RULE_IDS)('%s: caught by exactly that rule', async (id) => {
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: id }, ...(OPTIONS_FOR[id] ?? { uploadTtlMs: TTL_MS }) });
    expect(brokenRules(run.results), run.stderr).toEqual([id]);
    expect(run.results.summary.passed).toBe(false);
    caught.push(id);
  });

  it.concurrent('never uploads (a handle, then exit 0): fails, naming the flow that never uploaded', async () => {
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: 'never-uploads' }, strict: false });
    expect(run.exitCode).toBe(0);
    expect(run.results.summary).toMatchObject({ passed: false, flows: 1, completeFlows: 0 });
    expect(run.results.summary.failures).toEqual(['0 complete flow(s) (handle → upload accepted by the storage); --min-flows 1: flow 1: it created a handle and never uploaded']);
    expect(brokenRules(run.results)).toEqual(['client.handle.unused']);
  });

  it.concurrent('hot retry (a failed upload retried at once, up to 30 times): the storage-503 case fails as misbehaved', async () => {
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: 'hot-retry' }, robustness: ['storage-503'], strict: false });
    const [c] = run.results.robustness!;
    expect(c).toMatchObject({ fault: 'storage-503', verdict: 'misbehaved', passed: false });
    expect(c!.detail).toContain('client.retry.bounded');
    expect(run.results.summary.passed).toBe(false);
    expect(run.results.summary.failures.join('\n')).toContain('robustness storage-503: misbehaved');
    expect(brokenRules(run.results)).toEqual(['client.retry.bounded']);
  });
});
