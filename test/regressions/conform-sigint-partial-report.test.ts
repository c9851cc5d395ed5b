// Regression: Ctrl-C during `conform` killed the process with no report at all. Now SIGINT cancels the
// vitest run, the report is written with `incomplete: true`, a harness error saying so, unrun checks
// skipped ("not run: the run was interrupted"), and exit code 2 (harness-error class).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliInterrupted } from '../support/cli.ts';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'uh-sigint-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('conform + SIGINT', () => {
  it('writes a partial report marked incomplete and exits 2', async () => {
    // Interrupt as soon as the first check has reported.
    const { code, output: out, sent } = await runCliInterrupted(['conform', '--report-dir', tmp], [{ when: /^(PASS|FAIL|SKIP|WARN|ERROR)\s/m, signal: 'SIGINT' }], { env: { NO_COLOR: '1' }, killAfterMs: 40_000 });
    expect(sent, out).toBe(1);
    expect(code, out).toBe(2);
    expect(out).toMatch(/interrupted/);
    const results = JSON.parse(await readFile(join(tmp, 'results.json'), 'utf8'));
    expect(results.incomplete).toBe(true);
    expect(results.exitCode).toBe(2);
    expect(results.harnessErrors.join('\n')).toMatch(/interrupted \(SIGINT\)/);
    expect(results.checks.some((c: { message?: string }) => c.message === 'not run: the run was interrupted')).toBe(true);
    // Every check the interruption kept from running says so: none is left with vitest's bare "skipped".
    expect(results.checks.filter((c: { status: string; message?: string }) => c.status === 'skip' && /^skipped$|aborted by the user/.test(c.message ?? ''))).toEqual([]);
    const html = await readFile(join(tmp, 'index.html'), 'utf8');
    expect(html).toMatch(/interrupted/);
  }, 60_000);
});
