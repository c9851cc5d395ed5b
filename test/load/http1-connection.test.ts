// The node engine's own HTTP/1.1 client (src/load/http1-connection.ts) behind the transport: every
// answer shape a server may send (content-length, chunked, until close, 1xx, 204, split at any byte),
// when a connection is reused and when not, timeouts (on a fake clock) and malformed answers with their
// stable codes, and preconnect. `served.direct` proves these requests took this path, not undici.
// test/load/http1-differential.test.ts holds the answer-by-answer comparison with undici's Client.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Http1Connection, Http1Error, type ResponseSink } from '../../src/load/http1-connection.ts';
import { createNodeEngineTransport, MAX_CONNECTING } from '../../src/load/node-engine-transport.ts';
import type { TransportRequest } from '../../scenarios/flows/index.ts';
import { rawServer } from '../support/servers.ts';

/** Servers to close after each test, their sockets first (a test that failed may have left a connection open). */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) await close();
});

async function serve(answer: (request: string, socket: Socket) => void) {
  const s = await rawServer(answer);
  closers.push(s.close);
  return s;
}

const post = (url: string, body: TransportRequest['body'] = '{"a":1}'): TransportRequest => ({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, tags: { stage: 'handle_create', name: 'x' } });

describe('engine HTTP/1.1 connections', () => {
  it('reads content-length, chunked and until-close bodies, in pieces split at every byte', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world',
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n',
      'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
      'HTTP/1.1 204 No Content\r\n\r\n',
    ];
    for (const [i, answer] of answers.entries()) {
      const { url } = await serve((_req, socket) => {
        // One byte at a time: every parser state must carry over between chunks.
        let at = 0;
        const next = () => {
          if (at >= answer.length) return;
          socket.write(answer[at++]!);
          setImmediate(next);
        };
        next();
      });
      const t = createNodeEngineTransport(4);
      const res = await t.request(post(`${url}/x`));
      expect(res.error, `answer ${i}`).toBeUndefined();
      expect([res.status, res.body], `answer ${i}`).toEqual([[200, 201, 202, 200, 204][i], ['hello world', 'hello world', '', 'ok', ''][i]]);
      expect(res.bodyBytes).toBe(Buffer.byteLength(res.body));
      expect(t.served).toEqual({ direct: 1, proxied: 0 });
      await t.close();
    }
  });

  it('a body that ends with the connection (no length) is complete at close, and that connection is not reused', async () => {
    const { url, sockets } = await serve((_req, socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil close'));
    const t = createNodeEngineTransport(4);
    expect(await t.request(post(`${url}/x`))).toMatchObject({ status: 200, body: 'until close' });
    expect(await t.request(post(`${url}/x`))).toMatchObject({ status: 200, body: 'until close' });
    expect(sockets.length).toBe(2);
    await t.close();
  });

  it('keeps the connection after HTTP/1.1 answers; `connection: close` and HTTP/1.0 answers end it', async () => {
    const seen: string[] = [];
    const { url, sockets } = await serve((req, socket) => {
      seen.push(req);
      const close = req.includes('/close');
      socket.write(close ? 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nc' : req.includes('/old') ? 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\no' : 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nk');
      if (close) socket.end();
    });
    const t = createNodeEngineTransport(4);
    for (let i = 0; i < 3; i++) expect((await t.request(post(`${url}/keep`))).body).toBe('k');
    expect(sockets.length).toBe(1);
    expect((await t.request(post(`${url}/close`))).body).toBe('c');
    expect((await t.request(post(`${url}/old`))).body).toBe('o');
    expect((await t.request(post(`${url}/keep`))).body).toBe('k');
    expect(sockets.length).toBe(3);
    // What goes over the wire: request line, host, keep-alive, the caller's headers, the body's length.
    expect(seen[0]).toBe(`POST /keep HTTP/1.1\r\nhost: ${new URL(url).host}\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n{"a":1}`);
    await t.close();
  });

  it('an answer before the whole body was sent (413 mid-upload) is returned, and its connection is not reused', async () => {
    const server = createHttpServer((req, res) => {
      res.writeHead(413, { connection: 'keep-alive', 'content-length': 8 });
      res.end('too big!');
      req.resume();
    });
    let connections = 0;
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t = createNodeEngineTransport(4);
    const parts = [Buffer.alloc(8 * 1024 * 1024, 0x61)];
    const big = await t.request(post(`${url}/upload`, { parts, length: parts[0]!.length }));
    expect(big).toMatchObject({ status: 413, body: 'too big!' });
    expect(await t.request(post(`${url}/x`))).toMatchObject({ status: 413, body: 'too big!' });
    expect(connections).toBe(2);
    await t.destroy();
  });

  it('requests move the timeouts without re-arming timers', async () => {
    const { url } = await serve((_req, socket) => void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    // On a clock that stands still no timer fires, so a timer that is moved lazily (re-armed only when it
    // fires early) is never re-armed here, however slow the machine: what is counted is what the requests
    // arm themselves.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const t = createNodeEngineTransport(1, 150);
      const armed = Http1Connection.timersArmed;
      for (let i = 0; i < 300; i++) expect(await t.request(post(`${url}/x`))).toMatchObject({ status: 200, body: 'ok' });
      // One connection: its connect/response timer and its idle timer, not three re-arms per request.
      expect(Http1Connection.timersArmed - armed).toBeLessThanOrEqual(4);
      expect(t.served.direct).toBe(300);
      await t.destroy();
    } finally {
      vi.useRealTimers();
    }
  });

  describe('timeouts, on a fake clock', () => {
    const TIMEOUT = 150;

    /** One connection to a raw server, with a sink that records what it is told; the clock is fake once it connected. */
    async function connection(answer: (request: string, socket: Socket) => void) {
      const requests: Socket[] = [];
      let requested: (() => void) | undefined;
      const server = await serve((request, socket) => {
        requests.push(socket);
        answer(request, socket);
        requested?.();
      });
      const { port } = new URL(server.url);
      let connected!: () => void;
      const up = new Promise<void>((r) => (connected = r));
      const conn = new Http1Connection({ https: false, hostname: '127.0.0.1', port: Number(port), ca: undefined }, { connectMs: 10_000, responseMs: TIMEOUT, idleMs: 30_000 }, { idle: () => undefined, closed: () => undefined, settled: () => connected() });
      await up;
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const seen = { status: 0, bytes: 0, error: undefined as Error | undefined };
      let wake: (() => void) | undefined;
      const changed = () => new Promise<void>((r) => (wake = r));
      const sink: ResponseSink = {
        start: (status) => ((seen.status = status), wake?.()),
        data: (chunk) => ((seen.bytes += chunk.length), wake?.()),
        end: () => wake?.(),
        fail: (err) => ((seen.error = err), wake?.()),
      };
      /** Sends a request and resolves once the server has it. */
      const send = (path: string) => {
        const arrived = new Promise<void>((r) => (requested = r));
        conn.send(sink, Buffer.from(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n`));
        return arrived;
      };
      /**
       * Two real turns of the event loop (setImmediate is not faked): a socket destroyed by a timeout
       * reports its close in the close phase after the first turn's check phase, so a failure that is
       * on its way has arrived by the end of the second.
       */
      const settle = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));
      return { conn, seen, send, changed, settle, requests };
    }

    it('a silent server fails with UND_ERR_HEADERS_TIMEOUT exactly at the timeout', async () => {
      const c = await connection(() => undefined);
      await c.send('/head');
      vi.advanceTimersByTime(TIMEOUT - 1);
      await c.settle();
      expect(c.seen.error).toBeUndefined();
      vi.advanceTimersByTime(1);
      await c.settle();
      expect(c.seen.error).toBeInstanceOf(Http1Error);
      expect(c.seen.error).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    });

    it('a body that stalls fails with UND_ERR_BODY_TIMEOUT; a body trickling within the timeout does not, and its timer re-arms lazily', async () => {
      const c = await connection((_req, socket) => void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nx'));
      await c.send('/trickle');
      while (c.seen.bytes < 1 && !c.seen.error) await c.changed();
      const armed = Http1Connection.timersArmed;
      // A byte every 100 ms for 800 ms: each within the timeout, together far beyond it.
      for (let i = 0; i < 8; i++) {
        vi.advanceTimersByTime(100);
        const bytes = c.seen.bytes;
        c.requests[0]!.write('x');
        while (c.seen.bytes === bytes && !c.seen.error) await c.changed();
      }
      expect(c.seen).toMatchObject({ status: 200, bytes: 9, error: undefined });
      // The response timer came due before its moved deadline and re-armed itself for the rest (the lazy path).
      expect(Http1Connection.timersArmed - armed).toBeGreaterThanOrEqual(2);
      vi.advanceTimersByTime(TIMEOUT - 1);
      await c.settle();
      expect(c.seen.error).toBeUndefined();
      vi.advanceTimersByTime(1);
      await c.settle();
      expect(c.seen.error).toMatchObject({ name: 'Http1Error', code: 'UND_ERR_BODY_TIMEOUT' });
    });
  });

  it('malformed answers fail with llhttp codes; a server closing mid-answer with UND_ERR_SOCKET', async () => {
    const { url } = await serve((req, socket) => {
      if (req.includes('/garbage')) socket.write('HELLO\r\n\r\n');
      else if (req.includes('/length')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n');
      else if (req.includes('/chunk')) socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const t = createNodeEngineTransport(4);
    expect(await t.request(post(`${url}/garbage`))).toMatchObject({ status: 0, error: 'HPE_INVALID_CONSTANT' });
    expect(await t.request(post(`${url}/length`))).toMatchObject({ status: 0, error: 'HPE_INVALID_CONTENT_LENGTH' });
    expect(await t.request(post(`${url}/chunk`))).toMatchObject({ status: 0, error: 'HPE_INVALID_CHUNK_SIZE' });
    expect(await t.request(post(`${url}/cut`))).toMatchObject({ status: 0, error: 'UND_ERR_SOCKET' });
    await t.destroy();
  });

  it(`preconnect opens ${MAX_CONNECTING} connections before any request, and requests use them`, async () => {
    const { url, sockets } = await serve((_req, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const t = createNodeEngineTransport(64);
    await t.preconnect(`${url}/x`);
    await expect.poll(() => sockets.length).toBe(MAX_CONNECTING); // the server may accept after the client saw its connect
    const all = await Promise.all(Array.from({ length: MAX_CONNECTING }, () => t.request(post(`${url}/x`))));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(sockets.length).toBe(MAX_CONNECTING);
    expect(t.served.direct).toBe(MAX_CONNECTING);
    // A refused preconnect is not an error; the first request meets it.
    const closed = await serve(() => undefined);
    await closers.pop()!();
    await t.preconnect(`${closed.url}/x`);
    expect(await t.request(post(`${closed.url}/x`))).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
    await t.close();
  });

  it('a header value that would break the request framing is rejected before anything is sent', async () => {
    const { url, sockets } = await serve(() => undefined);
    const t = createNodeEngineTransport(4);
    const res = await t.request({ ...post(`${url}/x`), headers: { 'x-bad': 'a\r\nb: c' } });
    expect(res).toMatchObject({ status: 0, error: 'UND_ERR_INVALID_ARG' });
    expect(sockets.length).toBe(0);
    await t.close();
  });
});
