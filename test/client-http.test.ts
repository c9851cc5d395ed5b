// The client's transport rules: timeout on every call, retries only on 429/503 (Retry-After honoured,
// capped), typed errors for refused / hung / HTML answers, and no secret in any recorded exchange.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, retryAfterMs, TransportError } from '../src/client/index.ts';
import { createFileUploadHandle } from '../src/protocol/index.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base = '';
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url!.slice(1);
      hits.set(path, (hits.get(path) ?? 0) + 1);
      (routes.get(path) ?? ((_q, s) => s.writeHead(404).end()))(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_q, s) =>
  s.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const key = { value: 'super-secret-key-123', envVar: 'ASHBY_API_KEY' };
const req = createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 });
const client = (prefix: string, http = {}) => new ApiClient({ baseUrl: `${base}/${prefix}`, http: { timeoutMs: 2000, maxRetryAfterMs: 50, ...http } });

describe('ApiClient transport', () => {
  it('parses the envelope and records a redacted exchange with a curl line that names the key variable', async () => {
    routes.set('ok/file.createFileUploadHandle', (q, s, body) => json(200, { success: true, results: { echo: q.headers.authorization, body } })(q, s, body));
    const c = client('ok');
    const res = await c.call(req, key);
    expect(res.envelope.kind).toBe('success');
    const ex = c.recorder.exchanges[0]!;
    const dump = JSON.stringify(c.recorder.exchanges);
    expect(dump).not.toContain(key.value);
    expect(dump).not.toContain(Buffer.from(`${key.value}:`).toString('base64'));
    expect(ex.requestHeaders.authorization).toBe('[redacted]');
    expect(ex.curl).toContain('-u "$ASHBY_API_KEY:"');
    expect(ex.status).toBe(200);
  });

  it('retries 503 and 429 honouring Retry-After (capped), then succeeds', async () => {
    let n = 0;
    routes.set('retry/file.createFileUploadHandle', (q, s, b) => (++n < 3 ? json(n === 1 ? 503 : 429, { success: false }, { 'retry-after': '3600' }) : json(200, { success: true, results: {} }))(q, s, b));
    const started = Date.now();
    const res = await client('retry').call(req, key);
    expect(res.status).toBe(200);
    expect(n).toBe(3);
    expect(Date.now() - started).toBeLessThan(1500); // 3600 s capped to 50 ms
  });

  it('does not retry other statuses (500 is returned as is)', async () => {
    routes.set('e500/file.createFileUploadHandle', json(500, { success: false, errors: ['x'], errorInfo: { code: 'x' } }));
    const res = await client('e500').call(req, key);
    expect(res.status).toBe(500);
    expect(hits.get('e500/file.createFileUploadHandle')).toBe(1);
  });

  it('gives up after the retry budget with a typed error', async () => {
    routes.set('always503/file.createFileUploadHandle', json(503, {}));
    await expect(client('always503', { maxRetries: 1 }).call(req, key)).rejects.toMatchObject({ code: 'retries-exhausted' });
  });

  it('turns a hang into a timeout error', async () => {
    routes.set('hang/file.createFileUploadHandle', () => undefined);
    const err = await client('hang', { timeoutMs: 200 }).call(req, key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('timeout');
  });

  it('turns an HTML page into an html-answer error, not a failed check', async () => {
    routes.set('html/file.createFileUploadHandle', (_q, s) => s.writeHead(502, { 'content-type': 'text/html' }).end('<!doctype html><html>Bad gateway</html>'));
    await expect(client('html').call(req, key)).rejects.toMatchObject({ code: 'html-answer' });
  });

  it('reports connection refused and DNS failures as typed errors', async () => {
    await expect(new ApiClient({ baseUrl: 'http://127.0.0.1:1' }).call(req, key)).rejects.toMatchObject({ code: 'connection-refused' });
    await expect(new ApiClient({ baseUrl: 'http://no-such-host.invalid', http: { timeoutMs: 5000 } }).call(req, key)).rejects.toMatchObject({ code: 'dns' });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
