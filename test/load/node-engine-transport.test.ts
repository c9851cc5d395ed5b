// The node engine's transport: what a flow sees (status, body text, duration, error codes) and how
// connections are used (reused, bounded, set up a few at a time, aborted on destroy); and the proxied
// path (undici's EnvHttpProxyAgent through a loopback forward proxy), with `served` and the proxy's log
// proving which path each request took.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../../src/client/dispatcher.ts';
import { createNodeEngineTransport, MAX_CONNECTING } from '../../src/load/node-engine-transport.ts';
import type { TransportRequest } from '../../scenarios/flows/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  socket: Socket;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const sockets = new Set<Socket>();
let handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => res.end('ok');

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket });
      handler(req, res, body);
    });
  });
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = (path: string, body: TransportRequest['body'], headers: Record<string, string> = { 'content-type': 'application/json' }): TransportRequest => ({
  method: 'POST',
  url: `${base}${path}`,
  headers,
  body,
  tags: { stage: 'handle_create', name: 'x' },
});

describe('node engine transport', () => {
  it('returns status, UTF-8 body text and a duration; sends method, path, query, headers and body', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"success":true,"results":{"name":"Zoë ✓"}}');
    };
    const t = createNodeEngineTransport(4);
    const res = await t.request(post('/file.createFileUploadHandle?x=1', '{"a":"é"}', { 'content-type': 'application/json', authorization: 'Basic abc' }));
    expect(res.status).toBe(201);
    expect(res.body).toBe('{"success":true,"results":{"name":"Zoë ✓"}}');
    expect(res.bodyBytes).toBe(Buffer.byteLength(res.body, 'utf8')); // the bytes received, counted by the transport
    expect(res.error).toBeUndefined();
    expect(res.durationMs).toBeGreaterThan(0);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/file.createFileUploadHandle?x=1');
    expect(seen[0]!.headers.authorization).toBe('Basic abc');
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
    expect(seen[0]!.body.toString()).toBe('{"a":"é"}');
    await t.close();
  });

  it('non-2xx statuses come back as they are, with their body', async () => {
    handler = (_req, res) => {
      res.writeHead(503);
      res.end('busy');
    };
    const t = createNodeEngineTransport(4);
    const res = await t.request(post('/x', '{}'));
    expect(res).toMatchObject({ status: 503, body: 'busy' });
    expect(res.error).toBeUndefined();
    await t.close();
  });

  it('a body in many chunks is joined; a leading BOM is skipped (as undici body.text())', async () => {
    const big = 'x'.repeat(300_000);
    handler = (_req, res) => {
      res.write(Buffer.from([0xef, 0xbb, 0xbf]));
      res.write(big.slice(0, 100_000));
      setTimeout(() => res.end(big.slice(100_000)), 5);
    };
    const t = createNodeEngineTransport(4);
    const res = await t.request(post('/x', '{}'));
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(big.length);
    expect(res.body).toBe(big);
    handler = (_req, res) => res.end();
    expect(await t.request(post('/x', '{}'))).toMatchObject({ status: 200, body: '' });
    await t.close();
  });

  it('chunked bodies are sent with a content-length (not chunked-encoded) and arrive intact', async () => {
    seen.length = 0;
    handler = (_req, res) => res.end('stored');
    const parts = [Buffer.from('head-'), Buffer.alloc(70_000, 0x61), Buffer.from('-tail')];
    const length = parts.reduce((n, p) => n + p.length, 0);
    const t = createNodeEngineTransport(4);
    const res = await t.request(post('/upload', { parts, length }, { 'content-type': 'multipart/form-data; boundary=b' }));
    expect(res).toMatchObject({ status: 200, body: 'stored' });
    expect(seen[0]!.headers['content-length']).toBe(String(length));
    expect(seen[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(seen[0]!.headers['content-type']).toBe('multipart/form-data; boundary=b');
    expect(Buffer.compare(seen[0]!.body, Buffer.concat(parts))).toBe(0);
    await t.close();
  });

  it('sequential requests reuse one keep-alive connection', async () => {
    seen.length = 0;
    handler = (_req, res) => res.end('ok');
    const t = createNodeEngineTransport(16);
    for (let i = 0; i < 20; i++) expect((await t.request(post('/x', `{"i":${i}}`))).status).toBe(200);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    expect(seen.map((s) => s.body.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `{"i":${i}}`));
    await t.close();
  });

  /** Holds every answer until `n` requests are at the server at once, then answers them all (and every later one). */
  const answerOnceConcurrent = (n: number) => {
    const held: ServerResponse[] = [];
    let open = false;
    handler = (_req, res) => {
      if (open) return void res.end('ok');
      held.push(res);
      if (held.length < n) return;
      open = true;
      for (const r of held) r.end('ok');
    };
  };

  it('concurrency beyond `connections` queues instead of opening more sockets; all requests succeed', async () => {
    seen.length = 0;
    answerOnceConcurrent(3);
    const t = createNodeEngineTransport(3);
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => t.request(post('/x', `{"i":${i}}`))));
    expect(all.every((r) => r.status === 200 && r.body === 'ok')).toBe(true);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(3);
    await t.close();
  });

  it(`has exactly ${MAX_CONNECTING} connections being set up at a time`, async () => {
    // A server that accepts TCP connections and never answers the TLS handshake: an https:// connection
    // to it stays "being set up" until destroyed, so the sockets it accepted are those set up at once.
    const accepted: Socket[] = [];
    const probe: { socket?: Socket } = {};
    let probed!: () => void;
    const probeAccepted = new Promise<void>((r) => (probed = r));
    const stall = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      if (probe.socket && socket.remotePort === probe.socket.localPort) return probed();
      accepted.push(socket);
    });
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
    const port = (stall.address() as AddressInfo).port;
    const t = createNodeEngineTransport(64);
    const requests = Array.from({ length: MAX_CONNECTING * 4 }, () => t.request({ ...post('/x', '{}'), url: `https://127.0.0.1:${port}/x` }));
    await expect.poll(() => accepted.length).toBe(MAX_CONNECTING);
    // Every connection the transport opened for these requests was opened by request() itself, before
    // this probe connects: the server accepts in order, so none can be behind the probe.
    probe.socket = connect(port, '127.0.0.1');
    probe.socket.on('error', () => undefined);
    await probeAccepted;
    expect(accepted.length).toBe(MAX_CONNECTING);
    await t.destroy();
    expect((await Promise.all(requests)).every((r) => r.status === 0 && r.error === 'UND_ERR_DESTROYED')).toBe(true);
    probe.socket.destroy();
    for (const s of accepted) s.destroy();
    await new Promise<void>((r) => stall.close(() => r()));
  });

  it('opens as many connections as the concurrency needs over time, within `connections`', async () => {
    seen.length = 0;
    const n = MAX_CONNECTING * 4;
    // No answer until all n requests are at the server: each needs its own connection.
    answerOnceConcurrent(n);
    const t = createNodeEngineTransport(64);
    const all = await Promise.all(Array.from({ length: n }, () => t.request(post('/x', '{}'))));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(n);
    await t.close();
  });

  it('failures below HTTP resolve with status 0 and the error code (refused, reset, bad URL)', async () => {
    const t = createNodeEngineTransport(4);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await t.request({ ...post('/x', '{}'), url: `http://127.0.0.1:${port}/x` });
    expect(refused).toMatchObject({ status: 0, body: '', error: 'ECONNREFUSED' });
    expect(refused.durationMs).toBeGreaterThanOrEqual(0);

    handler = (req) => req.socket.destroy();
    const reset = await t.request(post('/x', '{}'));
    expect(reset.status).toBe(0);
    expect(reset.error).toMatch(/^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$/);

    const bad = await t.request({ ...post('/x', '{}'), url: 'not a url' });
    expect(bad).toMatchObject({ status: 0, error: 'UND_ERR_INVALID_ARG' });
    const ftp = await t.request({ ...post('/x', '{}'), url: 'ftp://127.0.0.1/x' });
    expect(ftp).toMatchObject({ status: 0, error: 'UND_ERR_INVALID_ARG' });

    // The connection that failed is usable again afterwards.
    handler = (_req, res) => res.end('back');
    expect(await t.request(post('/x', '{}'))).toMatchObject({ status: 200, body: 'back' });
    await t.close();
  });

  it('destroy() aborts in-flight and queued requests with an error; close() waits for in-flight ones', async () => {
    let arrived!: () => void;
    const atServer = new Promise<void>((r) => (arrived = r));
    handler = () => arrived(); // never answers
    const t = createNodeEngineTransport(1);
    const a = t.request(post('/x', '{}'));
    const b = t.request(post('/x', '{}')); // queued behind a
    await atServer;
    await t.destroy();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.status).toBe(0);
    expect(ra.error).toBeTruthy();
    expect(rb).toMatchObject({ status: 0, error: 'UND_ERR_DESTROYED' });
    expect(await t.request(post('/x', '{}'))).toMatchObject({ status: 0, error: 'UND_ERR_DESTROYED' });
    for (const s of sockets) s.destroy();

    let answer!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    handler = (_req, res) => {
      answer = () => res.end('late');
      arrived();
    };
    const t2 = createNodeEngineTransport(2);
    const c = t2.request(post('/x', '{}'));
    await inFlight;
    let closed = false;
    const closing = t2.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    answer();
    await closing;
    expect(await c).toMatchObject({ status: 200, body: 'late' });
  });
});

/** A forward proxy on loopback: absolute-URI requests forwarded to their origin, each logged. */
async function forwardProxy(): Promise<{ url: string; log: string[]; connections: () => number; close(): Promise<void> }> {
  const log: string[] = [];
  let connections = 0;
  const proxy = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(upstream);
  });
  proxy.on('connection', () => connections++);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    log,
    connections: () => connections,
    close: () => new Promise<void>((r) => (proxy.closeAllConnections(), proxy.close(() => r()))),
  };
}

describe('node engine transport through a proxy (HTTP_PROXY)', () => {
  it('sends string and chunked bodies through the proxy agent: same answers, intact bodies, every request in the proxy log', async () => {
    const proxy = await forwardProxy();
    seen.length = 0;
    handler = (_req, res, body) => res.end(`got ${body.length}`);
    const t = createNodeEngineTransport(4, 60_000, createNetwork({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } }));
    await t.preconnect(`${base}/x`);
    expect(proxy.connections()).toBe(0); // nothing is preconnected through a proxy
    const json = await t.request(post('/file.createFileUploadHandle?x=1', '{"a":"é"}'));
    expect(json).toMatchObject({ status: 200, body: `got ${Buffer.byteLength('{"a":"é"}')}` });
    const parts = [Buffer.from('head-'), Buffer.alloc(70_000, 0x61), Buffer.from('-tail')];
    const length = parts.reduce((n, p) => n + p.length, 0);
    const upload = await t.request(post('/upload', { parts, length }, { 'content-type': 'multipart/form-data; boundary=b' }));
    expect(upload).toMatchObject({ status: 200, body: `got ${length}` });
    expect(t.served).toEqual({ direct: 0, proxied: 2 });
    expect(proxy.log).toEqual([`POST ${base}/file.createFileUploadHandle?x=1`, `POST ${base}/upload`]);
    // The shared parts went as one body with its content-length, not chunked-encoded.
    expect(seen[1]!.headers['content-length']).toBe(String(length));
    expect(seen[1]!.headers['transfer-encoding']).toBeUndefined();
    expect(Buffer.compare(seen[1]!.body, Buffer.concat(parts))).toBe(0);
    expect(seen[0]!.body.toString()).toBe('{"a":"é"}');
    await t.close();
    await proxy.close();
  });

  it('an origin NO_PROXY names goes direct; the proxy sees nothing', async () => {
    const proxy = await forwardProxy();
    handler = (_req, res) => res.end('direct');
    const t = createNodeEngineTransport(4, 60_000, createNetwork({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }));
    expect(await t.request(post('/x', '{}'))).toMatchObject({ status: 200, body: 'direct' });
    expect(t.served).toEqual({ direct: 1, proxied: 0 });
    expect(proxy.log).toEqual([]);
    await t.close();
    await proxy.close();
  });

  it('destroy() aborts a proxied request in flight with UND_ERR_DESTROYED; a refusing proxy is ECONNREFUSED', async () => {
    const proxy = await forwardProxy();
    let arrived!: () => void;
    const atServer = new Promise<void>((r) => (arrived = r));
    handler = () => arrived(); // never answers
    const t = createNodeEngineTransport(4, 60_000, createNetwork({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } }));
    const pending = t.request(post('/x', '{}'));
    await atServer;
    await t.destroy();
    expect(await pending).toMatchObject({ status: 0, error: 'UND_ERR_DESTROYED' });
    expect(t.served.proxied).toBe(1);
    for (const s of sockets) s.destroy();
    await proxy.close();

    // The proxy is gone: the agent's connection to it is refused.
    const t2 = createNodeEngineTransport(4, 60_000, createNetwork({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } }));
    expect(await t2.request(post('/x', '{}'))).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
    expect(t2.served).toEqual({ direct: 0, proxied: 1 });
    await t2.destroy();
  });
});
