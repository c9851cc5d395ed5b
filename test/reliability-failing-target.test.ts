// The harness against a failing target: connection refused, a target answering HTML, one that hangs,
// one that resets connections. `conform` must end with exit code 2 (harness error class, never 0/1) and
// one clear error line, within bounded time. Local servers only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.ts';
import { close, closedPort, listen } from './support/servers.ts';


let tmp: string;
const servers: (Server | NetServer)[] = [];
let refusedPort: number;
let htmlPort: number;
let hangPort: number;
let resetPort: number;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'uh-failing-'));
  refusedPort = await closedPort();
  const html = createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Welcome to nginx!</body></html>'); });
  const hang = createNetServer((sock) => { sock.on('error', () => undefined); sock.resume(); });
  const reset = createNetServer((sock) => { sock.on('error', () => undefined); sock.once('data', () => sock.resetAndDestroy()); });
  servers.push(html, hang, reset);
  [htmlPort, hangPort, resetPort] = [await listen(html), await listen(hang), await listen(reset)];
});
afterAll(async () => {
  for (const s of servers) await close(s);
  await rm(tmp, { recursive: true, force: true });
});

/** A conform still running after 30 s is killed (code null), which fails the exit-code assertion: bounded time. */
const conform = (port: number, name: string) =>
  runCli(['conform', '--target', `http://127.0.0.1:${port}`, '--api-key', 'mock-full-access', '--timeout', '1s', '--report-dir', join(tmp, name)], { env: { NO_COLOR: '1' }, killAfterMs: 30_000 });

describe.concurrent('conform against a failing target', () => {
  it.each([
    ['connection refused', () => refusedPort, 'refused'],
    ['HTML answers', () => htmlPort, 'html'],
    ['a hanging target', () => hangPort, 'hang'],
    ['resets mid-request', () => resetPort, 'reset'],
  ])('%s → exit 2 with one clear harness error', async (_label, port, name) => {
    const r = await conform(port(), name);
    const text = r.stdout + r.stderr;
    expect(r.code, text).toBe(2);
    expect(r.stderr).toMatch(/^error \[[a-z-]+\]: /m);
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no raw stack trace
    // Either the preflight stopped it (no report) or the runner wrote one; never a half-written dir.
    const written = await readdir(join(tmp, name)).catch(() => [] as string[]);
    if (written.length) expect(written.sort()).toEqual(['index.html', 'junit.xml', 'results.json']);
  }, 40_000);
});
