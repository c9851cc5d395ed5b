// `upload-harness verify-client` and `mock --client-report` end to end through the real binary: the
// curl reference client passes (exit 0, three report files), the same script with the file moved
// before the fields fails naming client.upload.file-last (exit 1), bad input gives one clear line
// (exit 2, no stack trace), a failing command is never a success, garbage sent to the storage URL is
// reported, and SIGTERM stops the command and writes a report marked incomplete.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientResults } from '../../src/results/client.ts';
import { ROOT, runCli, runCliInterrupted, spawnCli } from '../support/cli.ts';

const UPLOAD_SH = join(ROOT, 'examples', 'clients', 'upload.sh');
let dir: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env });
const results = (d: string): ClientResults => JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as ClientResults;
/** One error line plus at most a hint line, never a stack trace. */
function oneClearLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error \[[a-z-]+\]: /);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-client-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('verify-client', () => {
  it('the curl reference client passes: exit 0 and index.html, junit.xml, results.json', async () => {
    const out = join(dir, 'ok');
    const r = await cli(['verify-client', '--report-dir', out, '--', 'bash', UPLOAD_SH]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['index.html', 'junit.xml', 'results.json']) expect(existsSync(join(out, f))).toBe(true);
    const res = results(out);
    expect(res.summary).toMatchObject({ passed: true, flows: 1, mustViolations: 0, shouldViolations: 0 });
    expect(res.command).toMatchObject({ exitCode: 0 });
    expect(res.flows[0]!.timeline.map((t) => t.path)).toEqual(['/file.createFileUploadHandle', '/ashby-mock-uploads', '/candidate.uploadResume']);
    const all = readFileSync(join(out, 'index.html'), 'utf8') + readFileSync(join(out, 'results.json'), 'utf8') + readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(all).not.toContain('mock-full-access'); // the API key never reaches a report
    expect(all).not.toMatch(/X-Amz-Signature=[0-9a-f]{16}/);
  });

  it('the same script with the file moved before the fields exits 1 naming client.upload.file-last', async () => {
    const script = readFileSync(UPLOAD_SH, 'utf8');
    const fileLine = '  args+=(-F "file=@$2;type=$3")\n';
    expect(script).toContain(fileLine);
    const moved = script.replace(fileLine, '').replace('  local n status name value args=()\n', `  local n status name value args=()\n${fileLine}`);
    const path = join(dir, 'file-first.sh');
    await writeFile(path, moved);
    const out = join(dir, 'file-first');
    const r = await cli(['verify-client', '--report-dir', out, '--', 'bash', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('client.upload.file-last');
    const ids = new Set(results(out).flows.flatMap((f) => f.violations.map((v) => v.ruleId)));
    expect([...ids]).toEqual(['client.upload.file-last']);
  });

  it('a failing command is reported as such, never as success (its code kept in results.json)', async () => {
    const out = join(dir, 'fails');
    const r = await cli(['verify-client', '--report-dir', out, '--', 'bash', '-c', `bash ${UPLOAD_SH} && exit 3`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the command exited with code 3');
    expect(results(out).command).toMatchObject({ exitCode: 3 });
    expect(results(out).summary.passed).toBe(false);
  });

  it('a client that never uploads fails (--min-flows 1) and garbage sent to the storage URL is reported', async () => {
    const out = join(dir, 'garbage');
    const r = await cli(['verify-client', '--report-dir', out, '--', 'sh', '-c', 'curl -s -o /dev/null -X POST --data-binary garbage "$ASHBY_BASE_URL/ashby-mock-uploads"']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no upload flow observed');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(results(out).strayViolations.map((v) => v.ruleId)).toEqual(['client.upload.multipart-well-formed']);
  });

  it.each([
    [['--bogus', '--', 'true'], /Unknown option '--bogus'/],
    [[], /no command given/],
    [['--'], /no command given/],
    [['--', 'no-such-command-xyz'], /command not found: no-such-command-xyz/],
    [['--robustness=nope', '--', 'true'], /unknown fault "nope"/],
    [['--min-flows', 'x', '--', 'true'], /--min-flows must be a whole number/],
  ])('bad input %j: exit 2 with one clear line', async (args, message) => {
    const r = await cli(['verify-client', '--report-dir', join(dir, 'bad'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    oneClearLine(r.stderr);
  });

  it('SIGTERM stops the command and writes the report, marked incomplete', async () => {
    const out = join(dir, 'interrupted');
    const run = await runCliInterrupted(['verify-client', '--report-dir', out, '--', 'bash', '-c', `bash ${UPLOAD_SH} && exec sleep 60`], [{ when: /uploaded and attached/, signal: 'SIGTERM' }]);
    expect(run.sent, run.output).toBe(1);
    expect(run.code, run.output).toBe(2); // interrupted: the harness-error class, as conform and load
    const res = results(out);
    expect(res.incomplete).toBe(true);
    expect(res.summary.flows).toBe(1);
    expect(res.summary.failures.join('\n')).toMatch(/interrupted/);
  });
});

describe('verify-client --print-env', () => {
  it('prints the five variables for a mock started separately (a candidate created on it)', async () => {
    const { startMockServer } = await import('../../src/mock/index.ts');
    const mock = await startMockServer({});
    try {
      const port = new URL(mock.baseUrl).port;
      const r = await cli(['verify-client', '--print-env', '--port', port]);
      expect(r.code, r.stderr).toBe(0);
      const env = Object.fromEntries([...r.stdout.matchAll(/^export (ASHBY_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
      expect(env.ASHBY_BASE_URL).toBe(mock.baseUrl);
      expect(mock.state.candidates.has(env.ASHBY_CANDIDATE_ID!)).toBe(true);
      expect(Object.keys(env)).toHaveLength(5);
    } finally {
      await mock.close();
    }
  });

  it('says so in one line when no mock answers', async () => {
    const r = await cli(['verify-client', '--print-env', '--port', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no mock answered at http:\/\/127\.0\.0\.1:1/);
    oneClearLine(r.stderr);
  });
});

describe('mock --client-report', () => {
  it('judges the clients of a long-running mock and writes the report when it stops', async () => {
    const out = join(dir, 'service');
    const child = spawnCli(['mock', '--port', '0', '--client-report', out]);
    let stdout = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), stdout.includes('ASHBY_CANDIDATE_ID=') && resolve())));
    const env = Object.fromEntries([...stdout.matchAll(/^export (ASHBY_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env).sort()).toEqual(['ASHBY_API_KEY', 'ASHBY_BASE_URL', 'ASHBY_CANDIDATE_ID', 'ASHBY_JOB_POSTING_ID', 'ASHBY_LIMITED_API_KEY']);
    await new Promise<void>((resolve, reject) => execFile('bash', [UPLOAD_SH], { env: { ...process.env, ...env } }, (err) => (err ? reject(new Error(err.message, { cause: err })) : resolve())));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(results(out).summary).toMatchObject({ passed: true, flows: 1 });
  });
});
