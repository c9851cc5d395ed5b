// The client mutant matrix: one deliberately broken client per client rule
// (test/fixtures/clients/mutant-client.mjs, MUTANT=<rule id>), each caught by EXACTLY the rule named for
// it — no other rule fires — and the unbroken client breaks none; plus two mutants named for what they
// do, each failing the run for the right reason: "never uploads" (a handle, then exit 0: fewer complete
// flows than --min-flows) and "hot retry" (a failed upload retried at once, over and over: provoked by
// the storage-503 robustness case, which it fails as misbehaved). The score is printed (docs/verify-client.md keeps it).
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

  it.concurrent('hot retry (a failed upload retried at once, up to 30 times): caught as misbehaved under client.retry.bounded', async () => {
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: 'hot-retry' }, robustness: ['storage-503', 'url-expired'], strict: false });
    const [slowDown, expired] = run.results.robustness!;
    // url-expired: every retry is refused, so the loop runs its 30 attempts: caught by the attempt
    // count, whatever the machine's load (no timing involved).
    expect(expired).toMatchObject({ fault: 'url-expired', verdict: 'misbehaved', passed: false });
    expect(run.results.rules.find((r) => r.id === 'client.retry.bounded')!.violations).toBeGreaterThan(0);
    expect(run.results.summary.passed).toBe(false);
    expect(run.results.summary.failures.join('\n')).toContain('robustness url-expired: misbehaved');
    // storage-503 (one 503, then the retry succeeds): caught by the pause — the retry normally starts a
    // few ms after the 503. Start-to-start under 100 ms means the pause after the answer was shorter
    // still, so the case must fail; a retry a starved machine delayed past that is judged on its real gap.
    const timeline = slowDown!.flows.flatMap((f) => f.timeline).filter((e) => !/^\/\w+\.\w+$/.test(e.path)); // storage POSTs (API calls are /category.method)
    const gaps = timeline.slice(1).map((e, i) => e.sinceHandleMs - timeline[i]!.sinceHandleMs);
    if (gaps.some((g) => g < 100)) {
      expect(slowDown).toMatchObject({ fault: 'storage-503', verdict: 'misbehaved', passed: false });
      expect(slowDown!.detail).toContain('client.retry.bounded');
    } else {
      expect(gaps.length, 'the 503 was retried').toBeGreaterThan(0);
    }
  });
});
