// The node engine's Transport: undici keep-alive connections (`Client`s, one request at a time each),
// driven through `Dispatcher.dispatch` with a small handler object, so one request costs one undici
// Request and one handler — no Readable response stream, no per-request URL parsing, no re-flattening
// of the caller's headers object and no string → Buffer encoding of a repeated body.
//
// Connections per origin are kept by this module rather than undici's Pool: an idle connection is
// reused (most recently used first, so a light load runs on a few warm sockets), a new one is opened
// only when none is idle — at most `connections` per origin and at most MAX_CONNECTING being set up at
// once; a request that finds neither waits in a FIFO for the next connection to free up. Without the
// cap a burst at the start of a run opens one socket per in-flight request (all at once, each connect
// making the next request slower), which at high rates costs more than the run can absorb.
//
// Chunked bodies are handed to undici as an iterable with an explicit content-length, so the shared
// payload is never copied per request (presigned POSTs must not be chunked-encoded).
//
// Network settings are the harness's one configuration (src/client/dispatcher.ts): direct connections
// use its CAs (--ca-file); an origin that HTTPS_PROXY / HTTP_PROXY applies to (and NO_PROXY does not
// exempt) goes through an EnvHttpProxyAgent sized for the run instead of this module's pool — through
// a proxy the tunnel, not this pool, decides the connection reuse. Why this transport and the client's
// stay two: docs/decisions/0060-two-http-paths-one-network.md.
import { buildConnector, Client, errors, type Dispatcher } from 'undici';
import { buildProxyDispatcher, network, type Network } from '../client/dispatcher.ts';
import type { Transport, TransportRequest, TransportResponse } from '../../scenarios/flows/index.ts';

export interface UndiciTransport extends Transport {
  /** Waits for in-flight requests. */
  close(): Promise<void>;
  /** Aborts in-flight requests (after the graceful stop ran out). */
  destroy(): Promise<void>;
}

/** Connections of one origin that may be connecting at the same time. */
export const MAX_CONNECTING = 8;
/** Repeated bodies (the handle-request bodies) and URLs are encoded/parsed once; the caches are bounded. */
const CACHE_MAX = 64;

/** Where requests to one origin go: this module's pool, or the proxy dispatcher. */
interface Route {
  readonly origin: string;
  send(opts: Dispatcher.DispatchOptions, exchange: Exchange): void;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

interface Target {
  origin: Route;
  path: string;
}

interface Pending {
  opts: Dispatcher.DispatchOptions;
  exchange: Exchange;
}

export function createUndiciTransport(connections: number, timeoutMs = 60_000, net: Network = network()): UndiciTransport {
  // One connector (undici's default settings: 10 s connect timeout, TCP keep-alive; the run's CAs)
  // shared by every connection, instead of one built per Client.
  const connect = buildConnector({ timeout: 10_000, ...net.tls });
  const clientOptions: Client.Options = { keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect };
  const origins = new Map<string, Route>();
  let proxied: Dispatcher | undefined;
  const routeOf = (u: URL): Route => {
    if (!net.proxyFor(u)) return new Origin(u.origin, Math.max(1, connections), clientOptions);
    proxied ??= buildProxyDispatcher(net, { connections: Math.max(1, connections), keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    return new ProxiedOrigin(u.origin, proxied);
  };
  const targets = new Map<string, Target>();
  const bodies = new Map<string, Buffer>();
  // The flows reuse one headers object per endpoint: flatten it once into undici's array form.
  const flatHeaders = new WeakMap<Record<string, string>, string[]>();
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

  const headersOf = (headers: Record<string, string>): string[] => {
    let flat = flatHeaders.get(headers);
    if (!flat) {
      flat = [];
      for (const key of Object.keys(headers)) flat.push(key, headers[key]!);
      flatHeaders.set(headers, flat);
    }
    return flat;
  };

  const bufferOf = (body: string): Buffer => {
    let buf = bodies.get(body);
    if (!buf) {
      buf = Buffer.from(body);
      if (bodies.size >= CACHE_MAX) bodies.clear();
      bodies.set(body, buf);
    }
    return buf;
  };

  return {
    request(req: TransportRequest): Promise<TransportResponse> {
      const started = performance.now();
      return new Promise<TransportResponse>((resolve) => {
        const exchange = new Exchange(started, resolve);
        try {
          if (destroyed) throw new errors.ClientDestroyedError();
          const target = targetOf(req.url);
          let headers: string[];
          let body: Buffer | Iterable<Uint8Array>; // undici accepts a sync iterable of chunks (checked in tests)
          if (typeof req.body === 'string') {
            headers = headersOf(req.headers);
            body = bufferOf(req.body);
          } else {
            headers = [...headersOf(req.headers), 'content-length', String(req.body.length)];
            body = req.body.parts;
          }
          target.origin.send({ origin: target.origin.origin, path: target.path, method: req.method, headers, body: body as Dispatcher.DispatchOptions["body"] }, exchange);
        } catch (err) {
          exchange.fail(err as Error);
        }
      });
    },
    close: async () => {
      await Promise.all([...origins.values()].map((o) => o.close()));
      await proxied?.close();
    },
    destroy: async () => {
      destroyed = true;
      await Promise.all([...origins.values()].map((o) => o.destroy()));
      await proxied?.destroy(new errors.ClientDestroyedError());
    },
  };
}

/** An origin reached through the proxy: undici's pool behind the tunnel keeps the connections. */
class ProxiedOrigin implements Route {
  constructor(
    readonly origin: string,
    private readonly dispatcher: Dispatcher,
  ) {}

  send(opts: Dispatcher.DispatchOptions, exchange: Exchange): void {
    this.dispatcher.dispatch(opts, exchange);
  }

  // The shared proxy dispatcher is closed (waiting for in-flight requests) or destroyed by the transport.
  async close(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The connections to one origin. */
class Origin implements Route {
  private readonly idle: Client[] = [];
  private readonly queue: Pending[] = [];
  private readonly clients = new Set<Client>();
  private connecting = 0;
  private draining = false;
  private closed: (() => void) | undefined;

  constructor(
    readonly origin: string,
    private readonly max: number,
    private readonly options: Client.Options,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  send(opts: Dispatcher.DispatchOptions, exchange: Exchange): void {
    const client = this.idle.pop() ?? this.open();
    if (client) this.dispatch(client, opts, exchange);
    else this.queue.push({ opts, exchange });
  }

  /** A new connection if the limits allow one (undici connects on its first dispatch). */
  private open(): Client | undefined {
    if (this.clients.size >= this.max || this.connecting >= MAX_CONNECTING) return undefined;
    const client = new Client(this.origin, this.options);
    this.clients.add(client);
    this.connecting++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.connecting--;
      if (this.queue.length > 0) this.scheduleDrain();
    };
    client.once('connect', settle).once('connectionError', settle);
    return client;
  }

  private dispatch(client: Client, opts: Dispatcher.DispatchOptions, exchange: Exchange): void {
    exchange.client = client;
    exchange.origin = this;
    client.dispatch(opts, exchange);
  }

  /** Called by the exchange when its request ended (after undici's callback returned, see scheduleDrain). */
  release(client: Client): void {
    if (this.clients.has(client)) this.idle.push(client);
    if (this.queue.length > 0) this.scheduleDrain();
    else if (this.closed && this.idle.length === this.clients.size) this.closed();
  }

  /**
   * Queued requests are handed to free connections in a microtask: undici calls a handler's
   * onComplete/onError from inside its parser and only then marks the connection free.
   */
  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      while (this.queue.length > 0) {
        const client = this.idle.pop() ?? this.open();
        if (!client) break;
        const next = this.queue.shift()!;
        this.dispatch(client, next.opts, next.exchange);
      }
    });
  }

  async close(): Promise<void> {
    if (this.queue.length > 0 || this.idle.length < this.clients.size) await new Promise<void>((r) => (this.closed = r));
    await Promise.all([...this.clients].map((c) => c.close()));
  }

  async destroy(): Promise<void> {
    const err = new errors.ClientDestroyedError();
    for (const p of this.queue.splice(0)) p.exchange.fail(err);
    this.closed?.();
    await Promise.all([...this.clients].map((c) => c.destroy(err)));
  }
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new errors.InvalidArgumentError('Invalid URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new errors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
  return u;
}

/**
 * One request's handler (undici 7's handler API: onRequestStart / onResponseStart / onResponseData /
 * onResponseEnd / onResponseError): collects the status and the body chunks, then resolves once with
 * the decoded text, or with status 0 and the error's code. Never pauses, so it needs no controller.
 */
class Exchange implements Dispatcher.DispatchHandler {
  client: Client | undefined;
  origin: Origin | undefined;
  private status = 0;
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private length = 0;
  private done = false;

  constructor(
    private readonly started: number,
    private readonly resolve: (res: TransportResponse) => void,
  ) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= [this.first]).push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.resolve({ status: this.status, body: this.text(), durationMs: performance.now() - this.started, bodyBytes: this.length });
    this.free();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.fail(err);
  }

  /** Ends the request with an error (from undici, or before it was dispatched at all). */
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    const e = err as { code?: string; message?: string };
    this.resolve({ status: 0, body: '', durationMs: performance.now() - this.started, error: e.code ?? e.message ?? 'request failed' });
    this.free();
  }

  private free(): void {
    if (this.client && this.origin) this.origin.release(this.client);
    this.client = undefined;
  }

  /** UTF-8 text of the body, a leading BOM skipped (as undici's `body.text()`). */
  private text(): string {
    if (this.length === 0 || this.first === undefined) return '';
    const buf = this.rest ? Buffer.concat(this.rest, this.length) : this.first;
    const start = buf.length > 2 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    return buf.toString('utf8', start, buf.length);
  }
}
