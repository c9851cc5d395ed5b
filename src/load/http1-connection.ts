// One keep-alive HTTP/1.1 connection of the node engine's transport (src/load/node-engine-transport.ts),
// on a plain `net` / `tls` socket: one request at a time, the request written as one prepared buffer
// (or head + shared payload parts in one corked writev), the answer parsed by a small parser that
// knows exactly what the engine needs — status, content-length / chunked / until-close bodies,
// `connection` and `keep-alive` — and nothing else. Measured against undici's Client at 40k req/s on
// the handle flow, undici's request objects, llhttp callbacks and header lists were ~25 % of the load
// generator's CPU (docs/decisions/0100-engine-http1-connections.md).
//
// Failures carry undici's error classes (so their codes — UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT, … —
// are the ones results and src/client/errors.ts already know), or the socket's own code (ECONNREFUSED,
// ECONNRESET, TLS verification codes), as undici reports them.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { errors } from 'undici';

/** Where a connection goes, and the CAs of the run (undefined: Node's defaults). */
export interface ConnectTarget {
  readonly https: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly ca: string[] | undefined;
}

/** Receives one answer: the status, its body chunks in order, then the end; or one failure. */
export interface ResponseSink {
  start(status: number): void;
  /** `chunk` is valid during the call only (it may be a view of the shared read buffer): copy what is kept. */
  data(chunk: Buffer): void;
  end(): void;
  fail(err: Error): void;
}

/** What the owner of the connection (the origin's pool) is told. */
export interface ConnectionEvents {
  /** The connection finished its answer and can take the next request. */
  idle(conn: Http1Connection): void;
  /** The connection is gone (closed by either side, or it never connected). */
  closed(conn: Http1Connection): void;
  /** The socket connected (or failed to): the pool may open the next one. */
  settled(conn: Http1Connection): void;
}

export interface ConnectionTimeouts {
  connectMs: number;
  /** Headers after the request was written, and between body chunks (undici's headers/bodyTimeout). */
  responseMs: number;
  /** An idle connection is closed after this long (less when the server says `keep-alive: timeout`). */
  idleMs: number;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Every connection reads into this one buffer; its contents are used (or copied) before the next read. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** Most bytes of a response head (status line + headers) accepted, as llhttp's default. */
const MAX_HEAD = 80 * 1024;

/** Where the parser is in an answer. */
const Phase = { Head: 0, Length: 1, ChunkSize: 2, ChunkData: 3, ChunkEnd: 4, Trailers: 5, UntilClose: 6 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** A malformed answer, with llhttp's code (HPE_…) as undici reports it. */
const parseError = (message: string, code: string): Error => Object.assign(new errors.HTTPParserError(message), { code: `HPE_${code}` });

/**
 * A timeout that activity moves lazily: moving it only changes the deadline (a number), and a timer that
 * comes due before its deadline re-arms itself for the rest. refresh() per request and per read was
 * ~1.5 % of the engine's CPU at 60k requests/s; now a timer is re-armed about once per timeout period.
 * A timer is never due after its deadline (a shorter one re-arms it at once), so timeouts fire on time.
 */
class LazyDeadline {
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() ms: when the timeout is; and when the pending timer is due. */
  private deadline = 0;
  private due = 0;

  constructor(
    /** Asked when the timer comes due early: is anything still waiting on this deadline? */
    private readonly wanted: () => boolean,
    private readonly expired: () => void,
  ) {}

  /** The deadline is now `ms` from now. */
  set(ms: number): void {
    this.deadline = performance.now() + ms;
    if (this.timer && this.due <= this.deadline) return;
    this.clear();
    this.start(ms);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(ms: number): void {
    Http1Connection.timersArmed++;
    this.due = this.deadline;
    this.timer = setTimeout(() => this.fire(), Math.max(1, Math.ceil(ms))).unref();
  }

  private fire(): void {
    this.timer = undefined;
    const left = this.deadline - performance.now();
    if (left <= 0) this.expired();
    else if (this.wanted()) this.start(left); // not yet: the deadline moved since the timer was set
  }
}

export class Http1Connection {
  /** Timers started by all connections (tests read it to see that requests do not re-arm them). */
  static timersArmed = 0;

  private readonly socket: Socket;
  private sink: ResponseSink | undefined;
  private pending: Buffer | undefined;
  private phase: Phase = Phase.Head;
  private remaining = 0;
  private keepAlive = true;
  private idleMs: number;
  /** Connect, then headers and between body chunks (undici's headers/bodyTimeout). */
  private readonly response = new LazyDeadline(() => !this.closed && (this.sink !== undefined || !this.connected), () => this.onResponseTimeout());
  private readonly idle = new LazyDeadline(() => !this.sink && !this.closed, () => this.onIdleTimeout());
  private headSeen = false;
  private lastHint = '';
  connected = false;
  closed = false;
  private error: Error | undefined;

  constructor(
    target: ConnectTarget,
    private readonly timeouts: ConnectionTimeouts,
    private readonly events: ConnectionEvents,
  ) {
    this.idleMs = timeouts.idleMs;
    const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    // Plain TCP reads land in one shared buffer (`onread`): no Readable stream, no 'data' event and no
    // new ArrayBuffer per read; what must outlive the call is copied (ResponseSink.data). TLS sockets
    // read through their stream ('data'), as `onread` is a net.Socket option.
    if (target.https) {
      this.socket = tlsConnect({ host, port: target.port, ...(isIP(host) ? {} : { servername: host }), ...(target.ca ? { ca: target.ca } : {}), ALPNProtocols: ['http/1.1'] });
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    } else {
      const callback = (n: number): boolean => {
        this.onData(READ_BUFFER.subarray(0, n));
        return true;
      };
      this.socket = netConnect({ host, port: target.port, onread: { buffer: READ_BUFFER, callback } });
    }
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 60_000);
    this.socket.once(target.https ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      if (this.sink) this.response.set(this.timeouts.responseMs);
      else this.idle.set(this.idleMs);
      this.events.settled(this);
    });
    this.socket.on('error', (err: Error) => (this.error ??= err));
    this.socket.on('end', () => this.socket.destroy());
    this.socket.on('close', () => this.onClose());
    this.response.set(timeouts.connectMs);
  }

  get busy(): boolean {
    return this.sink !== undefined;
  }

  /** Sends one request (written before the socket connected is fine: it is queued until then). */
  send(sink: ResponseSink, request: Buffer | readonly Uint8Array[]): void {
    this.sink = sink;
    this.phase = Phase.Head;
    this.headSeen = false;
    if (this.connected) this.response.set(this.timeouts.responseMs);
    if (Buffer.isBuffer(request)) this.socket.write(request);
    else {
      this.socket.cork();
      for (const part of request) this.socket.write(part);
      this.socket.uncork();
    }
  }

  /** Closes the socket once idle (at once when idle now). */
  end(): void {
    if (!this.sink) this.socket.end();
    else this.keepAlive = false;
  }

  destroy(err: Error): void {
    this.error ??= err;
    this.socket.destroy();
  }

  private onResponseTimeout(): void {
    if (this.closed) return;
    if (!this.connected) return this.destroy(new errors.ConnectTimeoutError('Connect Timeout Error'));
    if (!this.sink) return; // fired for a request that has ended: nothing is waiting
    this.destroy(this.headSeen ? new errors.BodyTimeoutError('Body Timeout Error') : new errors.HeadersTimeoutError('Headers Timeout Error'));
  }

  private onIdleTimeout(): void {
    if (!this.sink && !this.closed && this.connected) this.socket.end();
  }

  private onData(chunk: Buffer): void {
    if (!this.sink) return this.destroy(parseError('Response does not match the HTTP/1.1 protocol (data without a request)', 'INVALID_CONSTANT'));
    this.response.set(this.timeouts.responseMs);
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    try {
      while (this.sink && at < data.length) at = this.step(data, at);
    } catch (err) {
      return this.destroy(err as Error);
    }
    if (this.sink) return;
    // The answer is complete: bytes beyond it (a second answer nobody asked for) make the socket unusable.
    if (at < data.length) return this.destroy(parseError('Response does not match the HTTP/1.1 protocol (data after the response)', 'INVALID_CONSTANT'));
    if (this.keepAlive && !this.closed) this.events.idle(this);
  }

  /** Parses from `at`; returns where it stopped (everything it could not use yet is kept in `pending`). */
  private step(data: Buffer, at: number): number {
    const sink = this.sink!;
    switch (this.phase) {
      case Phase.Head: {
        const end = data.indexOf(HEAD_END, at);
        if (end < 0) return this.keep(data, at, MAX_HEAD, 'HEADER_OVERFLOW');
        this.head(data.toString('latin1', at, end));
        return end + 4;
      }
      case Phase.Length:
      case Phase.ChunkData: {
        const n = Math.min(this.remaining, data.length - at);
        sink.data(at === 0 && n === data.length ? data : data.subarray(at, at + n));
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.phase === Phase.Length) this.finish();
          else this.phase = Phase.ChunkEnd;
        }
        return at + n;
      }
      case Phase.ChunkSize: {
        const eol = data.indexOf(CRLF, at);
        if (eol < 0) return this.keep(data, at, 1024, 'INVALID_CHUNK_SIZE');
        const line = data.toString('latin1', at, eol);
        const semi = line.indexOf(';');
        const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw parseError('Invalid character in chunk size', 'INVALID_CHUNK_SIZE');
        const size = parseInt(hex, 16);
        if (size === 0) this.phase = Phase.Trailers;
        else {
          this.remaining = size;
          this.phase = Phase.ChunkData;
        }
        return eol + 2;
      }
      case Phase.ChunkEnd: {
        if (data.length - at < 2) return this.keep(data, at, 2, 'STRICT');
        if (data[at] !== 0x0d || data[at + 1] !== 0x0a) throw parseError('Expected LF after chunk data', 'STRICT');
        this.phase = Phase.ChunkSize;
        return at + 2;
      }
      case Phase.Trailers: {
        const eol = data.indexOf(CRLF, at);
        if (eol < 0) return this.keep(data, at, MAX_HEAD, 'HEADER_OVERFLOW');
        if (eol === at) this.finish(); // the empty line that ends the trailers
        return eol + 2;
      }
      case Phase.UntilClose:
        sink.data(at === 0 ? data : data.subarray(at));
        return data.length;
    }
  }

  /** Keeps an incomplete piece for the next chunk (bounded). */
  private keep(data: Buffer, at: number, max: number, code: string): number {
    if (data.length - at > max) throw parseError('Response head or chunk line too large', code);
    this.pending = Buffer.from(data.subarray(at)); // a copy: `data` may be the shared read buffer
    return data.length;
  }

  /** The status line and headers: what the body looks like and whether the connection stays open. */
  private head(head: string): void {
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 0x20) throw parseError('Expected HTTP/', 'INVALID_CONSTANT');
    const status = Number(head.slice(9, 12));
    if (!(status >= 100 && status <= 999)) throw parseError('Invalid status code', 'INVALID_STATUS');
    let keepAlive = head.charCodeAt(7) === 0x31; // HTTP/1.1 keeps the connection unless told otherwise
    let length = -1;
    let chunked = false;
    for (let i = head.indexOf('\r\n'); i >= 0; ) {
      const next = head.indexOf('\r\n', i + 2);
      const lineEnd = next < 0 ? head.length : next;
      const colon = head.indexOf(':', i + 2);
      const nameLength = colon - i - 2;
      // Only four header names matter here; their lengths (14, 17, 10, 10) filter the rest cheaply.
      if (colon > 0 && colon < lineEnd && (nameLength === 14 || nameLength === 17 || nameLength === 10)) {
        const name = head.slice(i + 2, colon).toLowerCase();
        const value = head.slice(colon + 1, lineEnd).trim().toLowerCase();
        if (name === 'content-length') {
          if (!/^\d{1,15}$/.test(value) || (length >= 0 && Number(value) !== length)) throw parseError('Invalid content-length', 'INVALID_CONTENT_LENGTH');
          length = Number(value);
        } else if (name === 'transfer-encoding') chunked = value.endsWith('chunked');
        else if (name === 'connection') keepAlive = value === 'close' ? false : value === 'keep-alive' ? true : keepAlive;
        else if (name === 'keep-alive') this.keepAliveHint(value);
      }
      i = next;
    }
    if (status < 200) {
      // 1xx interim answers (100 Continue, 103 Early Hints) precede the real one; 101 would switch protocols.
      if (status === 101) throw parseError('Unexpected protocol switch', 'INVALID_STATUS');
      return;
    }
    this.headSeen = true;
    this.keepAlive = this.keepAlive && keepAlive;
    this.sink!.start(status);
    if (status === 204 || status === 304) return this.finish();
    if (chunked) this.phase = Phase.ChunkSize;
    else if (length > 0) {
      this.remaining = length;
      this.phase = Phase.Length;
    } else if (length === 0) this.finish();
    else {
      this.keepAlive = false; // no length: the body ends when the server closes
      this.phase = Phase.UntilClose;
    }
  }

  /** `keep-alive: timeout=5`: close an idle connection a second before the server would. */
  private keepAliveHint(value: string): void {
    // Servers repeat the same hint on every answer: parse it when it changes (the regex was ~0.7 % at 56k/s).
    if (value === this.lastHint) return;
    this.lastHint = value;
    const m = /timeout=(\d+)/.exec(value);
    if (m) this.idleMs = Math.max(1000, Math.min(this.timeouts.idleMs, Number(m[1]) * 1000 - 1000));
  }

  private finish(): void {
    const sink = this.sink!;
    this.sink = undefined;
    this.phase = Phase.Head;
    // An answer before the whole body was handed to the kernel (e.g. 413 while uploading): the rest of
    // the body would be read as the next request, so this connection is not reused.
    if (this.socket.writableLength > 0) this.keepAlive = false;
    if (this.keepAlive) this.idle.set(this.idleMs);
    else this.socket.end();
    sink.end();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    const sink = this.sink;
    this.sink = undefined;
    this.response.clear();
    this.idle.clear();
    if (!this.connected) this.events.settled(this);
    if (sink) {
      if (this.phase === Phase.UntilClose && !this.error) sink.end();
      else sink.fail(this.error ?? new errors.SocketError('other side closed'));
    }
    this.events.closed(this);
  }
}
