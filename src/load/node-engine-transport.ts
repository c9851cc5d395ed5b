// The node engine's Transport. Direct connections are the engine's own minimal HTTP/1.1 client
// (src/load/http1-connection.ts; docs/decisions/0100-engine-http1-connections.md and
// 0140-engine-own-http1-client.md): one request at a time per connection, the whole request of a repeated body (the handle requests) prepared once as
// one buffer, so one request costs one socket write and one small parse — no per-request URL parsing,
// header flattening, string → Buffer encoding or undici Request.
//
// Connections per origin are kept here: an idle connection is reused (most recently used first, so a
// light load runs on a few warm sockets), a new one is opened only when none is idle — at most
// `connections` per origin and at most MAX_CONNECTING being set up at once; a request that finds
// neither waits in a FIFO for the next connection to free up. Without the cap a burst at the start of a
// run opens one socket per in-flight request (all at once, each connect making the next request
// slower), which at high rates costs more than the run can absorb. `preconnect` opens the first
// MAX_CONNECTING before a run's clock starts (docs/decisions/0101-engine-preconnect.md).
//
// Chunked bodies (the shared upload payload) are written part by part in one corked write with an
// explicit content-length, never copied per request (presigned POSTs must not be chunked-encoded).
//
// Network settings are the harness's one configuration (src/client/dispatcher.ts): direct connections
// use its CAs (--ca-file); an origin that HTTPS_PROXY / HTTP_PROXY applies to (and NO_PROXY does not
// exempt) goes through an undici EnvHttpProxyAgent sized for the run instead of this module's pool —
// through a proxy the tunnel, not this pool, decides the connection reuse. Why this transport and the
// client's stay two: docs/decisions/0060-two-http-paths-one-network.md.
import type { Dispatcher } from 'undici';
import { buildProxyDispatcher, network, type Network } from '../client/dispatcher.ts';
import type { Transport, TransportRequest, TransportResponse } from '../../scenarios/flows/index.ts';
import { Http1Connection, Http1Error, Http1ErrorCode, type ConnectionEvents, type ConnectionTimeouts, type ConnectTarget, type ResponseSink } from './http1-connection.ts';

export interface NodeEngineTransport extends Transport {
  /** Opens up to MAX_CONNECTING connections to the origin of `url` (unless proxied); resolves when each connected or failed. */
  preconnect(url: string): Promise<void>;
  /** Waits for in-flight requests. */
  close(): Promise<void>;
  /** Aborts in-flight requests (after the graceful stop ran out). */
  destroy(): Promise<void>;
  /** Requests sent per path: this module's connections, or the proxy dispatcher. */
  readonly served: { direct: number; proxied: number };
}

/** Connections of one origin that may be connecting at the same time. */
export const MAX_CONNECTING = 8;
/** Repeated requests (the handle requests) and URLs are encoded/parsed once; the caches are bounded. */
const CACHE_MAX = 64;

/** Where requests to one origin go: this module's pool, or the proxy dispatcher. */
interface Route {
  readonly origin: string;
  send(req: TransportRequest, path: string, inFlight: InFlightRequest): void;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

interface Target {
  origin: Route;
  path: string;
}

export function createNodeEngineTransport(connections: number, timeoutMs = 60_000, net: Network = network()): NodeEngineTransport {
  // 10 s to connect (undici's default too); an idle connection is closed after 30 s, or sooner when the
  // server's keep-alive hint says so (the proxy agent keeps its connections as long).
  const timeouts: ConnectionTimeouts = { connectMs: 10_000, responseMs: timeoutMs, idleMs: 30_000 };
  const origins = new Map<string, Route>();
  const served = { direct: 0, proxied: 0 };
  let proxied: Dispatcher | undefined;
  const routeOf = (u: URL): Route => {
    if (!net.proxyFor(u)) return new Origin(u, Math.max(1, connections), timeouts, net.tls?.ca, served);
    proxied ??= buildProxyDispatcher(net, { connections: Math.max(1, connections), keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    return new ProxiedOrigin(u.origin, proxied, served);
  };
  const targets = new Map<string, Target>();
  let destroyed = false;

  const targetOf = (url: string): Target => {
    let t = targets.get(url);
    if (t) return t;
    const u = parseUrl(url);
    let origin = origins.get(u.origin);
    if (!origin) {
      origin = routeOf(u);
      origins.set(u.origin, origin);
    }
    t = { origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname };
    if (targets.size >= CACHE_MAX) targets.clear();
    targets.set(url, t);
    return t;
  };

  return {
    served,
    request(req: TransportRequest): Promise<TransportResponse> {
      const started = performance.now();
      return new Promise<TransportResponse>((resolve) => {
        const inFlight = new InFlightRequest(started, resolve);
        try {
          if (destroyed) throw destroyedError();
          const target = targetOf(req.url);
          target.origin.send(req, target.path, inFlight);
        } catch (err) {
          inFlight.fail(err as Error);
        }
      });
    },
    preconnect: async (url: string) => {
      const origin = targetOf(url).origin;
      if (origin instanceof Origin) await origin.preconnect();
    },
    close: async () => {
      await Promise.all([...origins.values()].map((o) => o.close()));
      await proxied?.close();
    },
    destroy: async () => {
      destroyed = true;
      await Promise.all([...origins.values()].map((o) => o.destroy()));
      await proxied?.destroy(destroyedError());
    },
  };
}

const destroyedError = (): Http1Error => new Http1Error(Http1ErrorCode.Destroyed, 'The transport is destroyed');

/** A bounded cache, cleared when full (the flows repeat a handful of values, or none at all). */
function cached<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    if (map.size >= CACHE_MAX) map.clear();
    map.set(key, v);
  }
  return v;
}

/** An origin reached through the proxy: undici's pool behind the tunnel keeps the connections. */
class ProxiedOrigin implements Route {
  // The flows reuse one headers object per endpoint: flatten it once into undici's array form.
  private readonly flatHeaders = new WeakMap<Record<string, string>, string[]>();
  private readonly bodies = new Map<string, Buffer>();

  constructor(
    readonly origin: string,
    private readonly dispatcher: Dispatcher,
    private readonly served: { proxied: number },
  ) {}

  send(req: TransportRequest, path: string, inFlight: InFlightRequest): void {
    let headers = this.flatHeaders.get(req.headers);
    if (!headers) {
      headers = [];
      for (const key of Object.keys(req.headers)) headers.push(key, req.headers[key]!);
      this.flatHeaders.set(req.headers, headers);
    }
    const body = req.body;
    let payload: Buffer | Iterable<Uint8Array>; // undici accepts a sync iterable of chunks (checked in tests)
    if (typeof body === 'string') payload = cached(this.bodies, body, () => Buffer.from(body));
    else {
      headers = [...headers, 'content-length', String(body.length)];
      payload = body.parts;
    }
    this.served.proxied++;
    this.dispatcher.dispatch({ origin: this.origin, path, method: req.method, headers, body: payload as Dispatcher.DispatchOptions['body'] }, inFlight);
  }

  // The shared proxy dispatcher is closed (waiting for in-flight requests) or destroyed by the transport.
  async close(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** Header names and values must not break the request's framing (undici rejects them too). */
const INVALID_HEADER = /[\r\n\0]/;

/** The request line and headers (all but content-length) of one path and headers object. */
interface PreparedHead {
  headers: Record<string, string>;
  head: string;
  whole: Map<string, Buffer>;
}

function requestHead(req: TransportRequest, path: string, host: string): string {
  let head = `${req.method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const key of Object.keys(req.headers)) {
    const value = req.headers[key]!;
    if (INVALID_HEADER.test(key) || INVALID_HEADER.test(value)) throw new Http1Error(Http1ErrorCode.InvalidRequest, `invalid ${key} header`);
    head += `${key}: ${value}\r\n`;
  }
  return head;
}

interface Pending {
  request: Buffer | readonly Uint8Array[];
  inFlight: InFlightRequest;
}

/** The connections to one origin, and the request bytes prepared for it. */
class Origin implements Route, ConnectionEvents {
  readonly origin: string;
  private readonly target: ConnectTarget;
  private readonly host: string;
  /** Idle connections, the most recently used last. */
  private readonly free: Http1Connection[] = [];
  private queue: Pending[] = [];
  private queueHead = 0;
  private readonly conns = new Set<Http1Connection>();
  private connecting = 0;
  private closing: (() => void) | undefined;
  private waiters: (() => void)[] = [];
  /** Per path: the request head for one headers object, and the whole requests of its repeated string bodies. */
  private readonly heads = new Map<string, PreparedHead>();

  constructor(
    u: URL,
    private readonly max: number,
    private readonly timeouts: ConnectionTimeouts,
    ca: string[] | undefined,
    private readonly served: { direct: number },
  ) {
    this.origin = u.origin;
    const https = u.protocol === 'https:';
    this.target = { https, hostname: u.hostname, port: u.port ? Number(u.port) : https ? 443 : 80, ca };
    this.host = u.host;
  }

  send(req: TransportRequest, path: string, inFlight: InFlightRequest): void {
    const request = this.encode(req, path);
    this.served.direct++;
    const conn = this.free.pop() ?? this.open();
    if (conn) conn.send(inFlight, request);
    else this.queue.push({ request, inFlight });
  }

  /** The request's bytes: one buffer for a string body (cached, as it usually repeats), head + shared parts otherwise. */
  private encode(req: TransportRequest, path: string): Buffer | readonly Uint8Array[] {
    let prepared = this.heads.get(path);
    if (prepared?.headers !== req.headers) {
      prepared = { headers: req.headers, head: requestHead(req, path, this.host), whole: new Map() };
      if (this.heads.size >= CACHE_MAX) this.heads.clear();
      this.heads.set(path, prepared);
    }
    const { head } = prepared;
    const body = req.body;
    // Keyed by the body string itself: the flows pass the same string object each time, whose hash V8 keeps.
    if (typeof body === 'string') return cached(prepared.whole, body, () => Buffer.from(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    return [Buffer.from(`${head}content-length: ${body.length}\r\n\r\n`), ...body.parts];
  }

  /** A new connection if the limits allow one (it connects at once; a request written meanwhile waits in the socket). */
  private open(): Http1Connection | undefined {
    if (this.closing || this.conns.size >= this.max || this.connecting >= MAX_CONNECTING) return undefined;
    const conn = new Http1Connection(this.target, this.timeouts, this);
    this.conns.add(conn);
    this.connecting++;
    return conn;
  }

  /** Opens connections up to MAX_CONNECTING (and the origin's limit) and waits until each connected or failed. */
  async preconnect(): Promise<void> {
    const opened: Http1Connection[] = [];
    for (let conn = this.open(); conn; conn = this.open()) opened.push(conn);
    while (opened.some((c) => !c.connected && !c.closed)) await new Promise<void>((r) => this.waiters.push(r));
    for (const c of opened) if (c.connected && !c.closed && !c.busy) this.free.push(c);
  }

  settled(): void {
    this.connecting--;
    for (const w of this.waiters.splice(0)) w();
    this.drain();
  }

  idle(conn: Http1Connection): void {
    this.free.push(conn);
    this.drain();
  }

  closed(conn: Http1Connection): void {
    this.conns.delete(conn);
    const i = this.free.indexOf(conn);
    if (i >= 0) this.free.splice(i, 1);
    this.drain();
  }

  /** Hands queued requests to idle (or new) connections; resolves close() once nothing is in flight. */
  private drain(): void {
    while (this.queueHead < this.queue.length) {
      const conn = this.free.pop() ?? this.open();
      if (!conn) break;
      const next = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined as unknown as Pending; // let the request go
      next.inFlight.dequeued();
      conn.send(next.inFlight, next.request);
    }
    if (this.queueHead > 0 && this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    if (this.closing && this.idleNow()) this.closing();
  }

  private idleNow(): boolean {
    if (this.queueHead < this.queue.length) return false;
    for (const c of this.conns) if (c.busy) return false;
    return true;
  }

  async close(): Promise<void> {
    if (!this.idleNow()) await new Promise<void>((r) => (this.closing = r));
    this.closing ??= () => undefined;
    for (const c of this.conns) c.end();
  }

  async destroy(): Promise<void> {
    const err = destroyedError();
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    for (const p of queued) p.inFlight.fail(err);
    this.closing?.();
    this.closing ??= () => undefined;
    for (const c of this.conns) c.destroy(err);
  }
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Http1Error(Http1ErrorCode.InvalidRequest, 'Invalid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Http1Error(Http1ErrorCode.InvalidRequest, 'Invalid URL protocol: the URL must start with `http:` or `https:`.');
  return u;
}

/**
 * One request's outcome, from this module's connections (ResponseSink) or from undici behind a proxy
 * (its handler API: onRequestStart / onResponseStart / onResponseData / onResponseEnd /
 * onResponseError): collects the status and the body chunks, then resolves once with the decoded
 * text, or with status 0 and the error's code. Never pauses, so it needs no controller.
 */
class InFlightRequest implements Dispatcher.DispatchHandler, ResponseSink {
  private status = 0;
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private length = 0;
  private done = false;
  /** Time spent waiting in the origin's queue for a connection (0 when one was free at once). */
  private queuedMs = 0;

  constructor(
    private readonly started: number,
    private readonly resolve: (res: TransportResponse) => void,
  ) {}

  /** The request leaves the origin's queue for a connection now. */
  dequeued(): void {
    this.queuedMs = performance.now() - this.started;
  }

  start(status: number): void {
    this.status = status;
  }

  data(chunk: Buffer): void {
    this.keep(Buffer.from(chunk)); // a copy: this module's connections pass a view of their shared read buffer
  }

  private keep(chunk: Buffer): void {
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= [this.first]).push(chunk);
    this.length += chunk.length;
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.resolve({ status: this.status, body: this.text(), durationMs: performance.now() - this.started, bodyBytes: this.length, queuedMs: this.queuedMs });
  }

  /** Ends the request with an error (from the connection or undici, or before it was sent at all). */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    const e = err as { code?: string; message?: string };
    this.resolve({ status: 0, body: '', durationMs: performance.now() - this.started, error: e.code ?? e.message ?? 'request failed', queuedMs: this.queuedMs });
  }

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.start(statusCode);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.keep(chunk); // undici's chunks are the InFlightRequest's to keep
  }

  onResponseEnd(): void {
    this.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.fail(err);
  }

  /** UTF-8 text of the body, a leading BOM skipped (as undici's `body.text()`). */
  private text(): string {
    if (this.length === 0 || this.first === undefined) return '';
    const buf = this.rest ? Buffer.concat(this.rest, this.length) : this.first;
    const start = buf.length > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    return buf.toString('utf8', start, buf.length);
  }
}
