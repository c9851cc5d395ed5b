// Regressions around the mock and the report folder:
// - the mock never removed its temporary storage folder (startMockServer(), `mock`, `conform` on the
//   embedded mock), not even after a failed start;
// - `mock` on a busy port said `error [internal]: listen EADDRINUSE`;
// - `/_control/clock {"advanceMs":9e15}` was accepted and every later call answered 500;
// - a request the client gave up on (a time-out under the latency fault) was never recorded, so the
//   README's embed snippet could not pass as printed (it had no imports either);
// - `--report-dir` pointing at a file was found only after the whole run, and the run's results were
//   lost; a folder that still cannot be written at the end now gets the report in a named temp folder.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeReports } from '../../src/cli/report-files.ts';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { runResultsOf } from '../fixtures/run-results.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { FULL_ACCESS } from '../support/auth.ts';

let dir: string;
let mock: MockServer;

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-22-hygiene-'));
  mock = await startMockServer({ enableTestControl: true });
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mock hygiene', () => {
  it('the temp storage folder is removed on close, and after a failed start (busy port: a configuration error)', async () => {
    const own = join(dir, 'tmp');
    await mkdir(own);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = own; // os.tmpdir() of this worker: where the mock makes its folder
    try {
      const m = await startMockServer();
      expect(await readdir(own)).toHaveLength(1);
      await m.close();
      expect(await readdir(own)).toEqual([]);
      const busy = Number(new URL(mock.baseUrl).port);
      await expect(startMockServer({ port: busy })).rejects.toMatchObject({ code: 'port-in-use', message: `port ${busy} on 127.0.0.1 is already in use` });
      expect(await readdir(own)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('`mock` on a busy port: one line naming the port, a hint, exit 2', async () => {
    const r = await cli(['mock', '--port', new URL(mock.baseUrl).port]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error \[port-in-use\]: port \d+ on 127\.0\.0\.1 is already in use$/);
    expect(lines[1]).toMatch(/^hint: .*--port 0/);
    expect(lines).toHaveLength(2);
  });

  it('/_control/clock refuses a jump no date can express (400), and later calls still answer', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${mock.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const res = await post('/_control/clock', { advanceMs: 9e15 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/at most \d+ ms \(10 years\)/);
    const handle = await post('/file.createFileUploadHandle', { fileUploadContext: 'CandidateFiles', filename: 'a.txt', contentType: 'text/plain', contentLength: 1 }, { authorization: FULL_ACCESS });
    expect(handle.status).toBe(200);
    expect(((await handle.json()) as { success: boolean }).success).toBe(true);
  });

  it('a call the client gave up on (latency fault, client time-out) is recorded, marked aborted', async () => {
    mock.setFaults(['latency=2000']);
    try {
      const before = mock.state.calls.length;
      await expect(fetch(`${mock.baseUrl}/apiKey.info`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: '{}', signal: AbortSignal.timeout(50) })).rejects.toThrow();
      await vi.waitFor(() => expect(mock.state.calls.slice(before)).toContainEqual(expect.objectContaining({ endpoint: 'apiKey.info', aborted: true, status: 0 })), { timeout: 1500 });
    } finally {
      mock.setFaults([]);
    }
  });

  it("the README's Embed snippet is the tested example, verbatim (imports included)", () => {
    const example = readFileSync(join(ROOT, 'examples', 'embed', 'quick-start.test.ts'), 'utf8');
    expect(example).toMatch(/^import .* from 'vitest';/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`**Embed**`);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8')).toContain(`\`\`\`ts\n${example}\`\`\``);
  });
});

describe('the report folder', () => {
  it('--report-dir that is a file is refused before the run (the command never starts), exit 2', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const marker = join(dir, 'ran');
    const r = await cli(['verify-client', '--report-dir', file, '--', 'sh', '-c', `touch '${marker}'`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[usage\]: --report-dir .* is a file, not a folder/);
    expect(existsSync(marker)).toBe(false);
    const c = await cli(['conform', '--report-dir', file]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/is a file, not a folder/);
  });

  it('a folder that cannot be written at the end: the report goes to a temp folder that is named', async () => {
    const file = join(dir, 'blocker');
    await writeFile(file, 'x');
    const written = await writeReports(join(file, 'report'), 'conformance', runResultsOf([], 1), []);
    expect(written.fallback).toMatchObject({ wanted: join(file, 'report'), reason: 'ENOTDIR' });
    expect(written.html.startsWith(tmpdir())).toBe(true);
    expect(JSON.parse(readFileSync(written.json, 'utf8')).tool).toBe('upload-harness conform');
    await rm(join(written.json, '..'), { recursive: true, force: true });
  });
});
