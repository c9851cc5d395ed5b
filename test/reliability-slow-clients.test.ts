// Slow and broken clients: slowloris headers and trickling bodies hit the server limits (configured
// short here; defaults in SERVER_LIMITS, docs/decisions/0040-server-limits.md) and cannot starve
// others; a connection reset mid-upload stores nothing and the server keeps answering.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, type Socket } from 'node:net';
import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_LIMITS, startMockServer, type MockServer } from '../src/mock/index.ts';
import { FULL_ACCESS } from './support/auth.ts';

let s: MockServer;
let root: string;
let port: number;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'uh-slow-'));
  s = await startMockServer({ storageDir: root, limits: { headersTimeoutMs: 600, requestTimeoutMs: 1200, idleTimeoutMs: 5000, checkIntervalMs: 100 } });
  port = Number(new URL(s.baseUrl).port);
});
afterAll(async () => {
  await s.close();
  await rm(root, { recursive: true, force: true });
});

/** How many slow clients have connected so far. */
let slowConnected = 0;

/** Opens a socket, runs `feed` while it is open, resolves with ms until the server closed it and what it said. */
function slowClient(feed: (sock: Socket, closed: () => boolean) => Promise<void>): Promise<{ ms: number; said: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let said = '';
    let done = false;
    const sock = connect(port, '127.0.0.1', () => {
      slowConnected++;
      void feed(sock, () => done).catch(() => undefined);
    });
    sock.on('data', (d) => { said += d.toString('latin1'); });
    sock.on('error', () => undefined);
    sock.on('close', () => { done = true; resolve({ ms: Date.now() - t0, said }); });
    setTimeout(() => { if (!done) { sock.destroy(); reject(new Error('server never closed the slow connection')); } }, 8000);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(): Promise<number> {
  const t0 = Date.now();
  const r = await fetch(`${s.baseUrl}/apiKey.info`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: '{}' });
  expect(r.status).toBe(200);
  await r.arrayBuffer();
  return Date.now() - t0;
}

const slowloris = () => slowClient(async (sock, closed) => {
  sock.write('POST /apiKey.info HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  for (let i = 0; i < 100 && !closed(); i++) { sock.write(`X-Slow-${i}: 1\r\n`); await sleep(100); }
});
const trickle = () => slowClient(async (sock, closed) => {
  sock.write(`POST /candidate.create HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${FULL_ACCESS}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"`);
  for (let i = 0; i < 100 && !closed(); i++) { sock.write('a'); await sleep(100); }
});

describe('server limits', () => {
  it('defaults are finite', () => {
    for (const v of Object.values(SERVER_LIMITS)) expect(v).toBeGreaterThan(0);
    expect(SERVER_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(SERVER_LIMITS.requestTimeoutMs);
  });

  it('slowloris headers are cut off by headersTimeout', async () => {
    const r = await slowloris();
    expect(r.ms).toBeLessThan(3000);
    expect(r.said === '' || /^HTTP\/1\.1 408/.test(r.said)).toBe(true);
  });

  it('a trickling body is cut off by requestTimeout', async () => {
    const r = await trickle();
    expect(r.ms).toBeLessThan(4000);
    expect(r.said === '' || /^HTTP\/1\.1 408/.test(r.said)).toBe(true);
  });

  it('40 slow clients do not starve normal requests', async () => {
    const before = slowConnected;
    const slow = Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? slowloris() : trickle())));
    await vi.waitFor(() => expect(slowConnected - before).toBe(40)); // all 40 hold a connection
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) latencies.push(await healthy());
    expect(Math.max(...latencies)).toBeLessThan(1000);
    const closed = await slow;
    expect(closed.every((c) => c.ms < 4000)).toBe(true);
    expect(await healthy()).toBeLessThan(1000);
  });

  it('a connection reset mid-upload stores nothing and leaves no temp file', async () => {
    const h = await fetch(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: JSON.stringify({ fileUploadContext: 'CandidateFiles', filename: 'big.bin', contentType: 'application/octet-stream', contentLength: 200_000 }) });
    const { url, fields } = ((await h.json()) as any).results as { url: string; fields: Record<string, string> };
    const b = 'resetBoundary';
    let head = '';
    for (const [k, v] of Object.entries(fields)) head += `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    head += `--${b}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const total = head.length + 200_000 + `\r\n--${b}--\r\n`.length;
    const path = new URL(url).pathname;
    for (let round = 0; round < 5; round++) {
      await new Promise<void>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${total}\r\n\r\n${head}`);
          sock.write(Buffer.alloc(50_000 + round * 20_000, 7), () => setTimeout(() => { sock.resetAndDestroy(); resolve(); }, 50));
        });
        sock.on('error', () => undefined);
      });
    }
    await vi.waitFor(async () => expect(await readdir(join(root, 'tmp'))).toEqual([])); // every reset upload discarded
    expect(s.storage.getObject(fields.key!)).toBeUndefined();
    expect(await healthy()).toBeLessThan(1000);
  });
});
