// The node engine's own minimal HTTP/1.1 client: one keep-alive connection on a plain `net` / `tls`
// socket (the transport, src/load/node-engine-transport.ts, keeps the connections of each origin). One
// request at a time, written as one prepared buffer (or head + shared payload parts in one corked
// write); the answer read by a small parser that takes what the engine needs — the status line,
// content-length / chunked / until-close bodies, `connection` and `keep-alive` — and fails what RFC 9112
// calls malformed. It exists because undici's general machinery was the measured cost of the engine's
// hot path (docs/decisions/0100-engine-http1-connections.md, 0140-engine-own-http1-client.md);
// test/load/http1-differential.test.ts replays one table of raw answers through it and through
// undici's Client, and lists every deliberate difference with its reason. The RFC sections cited below
// are summarized in docs/sources.md ("HTTP/1.1 message syntax").
import { maxHeaderSize } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * The codes of this client's failures. Results name a failed request by its code (the error breakdown,
 * thresholds, `explainTransportError`), and proxied requests run on undici: so each code is spelled as
 * undici spells the same failure (UND_ERR_…, and llhttp's HPE_… for a malformed answer), and one failure
 * has one name whichever path served it. Socket failures keep the socket's own code (ECONNREFUSED,
 * ECONNRESET, TLS verification codes).
 */
export const Http1ErrorCode = {
  /** The connection closed before the answer was complete. */
  SocketClosed: 'UND_ERR_SOCKET',
  ConnectTimeout: 'UND_ERR_CONNECT_TIMEOUT',
  HeadersTimeout: 'UND_ERR_HEADERS_TIMEOUT',
  BodyTimeout: 'UND_ERR_BODY_TIMEOUT',
  /** The answer's head (or its trailers) is larger than Node's `http.maxHeaderSize`. */
  HeadersOverflow: 'UND_ERR_HEADERS_OVERFLOW',
  /** The transport was destroyed while the request was in flight or queued. */
  Destroyed: 'UND_ERR_DESTROYED',
  /** The request cannot be sent (a bad URL, a header value that would break the framing). */
  InvalidRequest: 'UND_ERR_INVALID_ARG',
  // A malformed answer:
  InvalidConstant: 'HPE_INVALID_CONSTANT',
  InvalidVersion: 'HPE_INVALID_VERSION',
  InvalidStatus: 'HPE_INVALID_STATUS',
  CrExpected: 'HPE_CR_EXPECTED',
  InvalidHeaderToken: 'HPE_INVALID_HEADER_TOKEN',
  InvalidContentLength: 'HPE_INVALID_CONTENT_LENGTH',
  UnexpectedContentLength: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  InvalidChunkSize: 'HPE_INVALID_CHUNK_SIZE',
  Strict: 'HPE_STRICT',
} as const;
export type Http1ErrorCode = (typeof Http1ErrorCode)[keyof typeof Http1ErrorCode];

/** A failure of the engine's HTTP/1.1 client (its transport's too), with a stable code. */
export class Http1Error extends Error {
  override readonly name = 'Http1Error';

  constructor(
    readonly code: Http1ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

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
  /** Headers after the request was written, and between body chunks. */
  responseMs: number;
  /** An idle connection is closed after this long (less when the server says `keep-alive: timeout`). */
  idleMs: number;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Every connection reads into this one buffer; its contents are used (or copied) before the next read. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** Most bytes of a response head (status line + headers) accepted: Node's limit, which undici applies too. */
const MAX_HEAD = maxHeaderSize;

/** Where the parser is in an answer. */
const Phase = { Head: 0, Length: 1, ChunkSize: 2, ChunkData: 3, ChunkEnd: 4, Trailers: 5, UntilClose: 6 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09;

/** RFC 9112 §2.2: lines end in CRLF. True when `data` between `from` and `to` holds a bare LF. */
function hasBareLf(data: Buffer, from: number, to: number): boolean {
  for (let i = data.indexOf(0x0a, from); i >= 0 && i < to; i = data.indexOf(0x0a, i + 1)) if (i === from || data[i - 1] !== 0x0d) return true;
  return false;
}

/** RFC 9112 §5.2: each obs-fold (CRLF followed by spaces or tabs) becomes one space. */
const unfold = (head: string): string => head.replace(/\r\n[ \t]+/g, ' ');

/**
 * The status code of a status line (RFC 9112 §4): `HTTP/1.0` or `HTTP/1.1`, SP, three digits (100–999),
 * SP, an optional reason; anything else fails. The line is `head` up to its first CRLF.
 */
function statusOf(head: string): number {
  if (!head.startsWith('HTTP/')) throw new Http1Error(Http1ErrorCode.InvalidConstant, 'Expected HTTP/');
  const minor = head.charCodeAt(7);
  if (head.charCodeAt(5) !== 0x31 || head.charCodeAt(6) !== 0x2e || (minor !== 0x30 && minor !== 0x31) || head.charCodeAt(8) !== 0x20)
    throw new Http1Error(Http1ErrorCode.InvalidVersion, 'Invalid HTTP version');
  const d0 = head.charCodeAt(9) - 0x30;
  const d1 = head.charCodeAt(10) - 0x30;
  const d2 = head.charCodeAt(11) - 0x30;
  if (!(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) || head.charCodeAt(12) !== 0x20) throw new Http1Error(Http1ErrorCode.InvalidStatus, 'Invalid status line');
  return d0 * 100 + d1 * 10 + d2;
}

/**
 * A timeout that activity moves lazily: moving it only changes the deadline (a number), and a timer that
 * comes due before its deadline re-arms itself for the rest, so a busy connection re-arms its timer
 * about once per timeout period instead of on every request and read (decision 0103 measured that
 * cost). A timer is never due after its deadline (a shorter one re-arms it at once): timeouts fire on time.
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
  /** Connect, then headers and between body chunks. */
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
    if (!this.connected) return this.destroy(new Http1Error(Http1ErrorCode.ConnectTimeout, 'Connect Timeout Error'));
    if (!this.sink) return; // fired for a request that has ended: nothing is waiting
    this.destroy(this.headSeen ? new Http1Error(Http1ErrorCode.BodyTimeout, 'Body Timeout Error') : new Http1Error(Http1ErrorCode.HeadersTimeout, 'Headers Timeout Error'));
  }

  private onIdleTimeout(): void {
    if (!this.sink && !this.closed && this.connected) this.socket.end();
  }

  private onData(chunk: Buffer): void {
    if (!this.sink) return this.destroy(new Http1Error(Http1ErrorCode.InvalidConstant, 'Data without a request'));
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
    if (at < data.length) return this.destroy(new Http1Error(Http1ErrorCode.InvalidConstant, 'Data after the response'));
    if (this.keepAlive && !this.closed) this.events.idle(this);
  }

  /** Parses from `at`; returns where it stopped (everything it could not use yet is kept in `pending`). */
  private step(data: Buffer, at: number): number {
    const sink = this.sink!;
    switch (this.phase) {
      case Phase.Head: {
        const end = data.indexOf(HEAD_END, at);
        if (end < 0) {
          // A head with bare LF line ends never shows CRLF CRLF: fail now, not at the timeout.
          if (hasBareLf(data, at, data.length)) throw new Http1Error(Http1ErrorCode.CrExpected, 'Missing expected CR');
          return this.keep(data, at, MAX_HEAD, Http1ErrorCode.HeadersOverflow);
        }
        if (end - at > MAX_HEAD) throw new Http1Error(Http1ErrorCode.HeadersOverflow, 'Headers Overflow Error');
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
        if (eol < 0) return this.keep(data, at, 1024, Http1ErrorCode.InvalidChunkSize);
        const line = data.toString('latin1', at, eol);
        const semi = line.indexOf(';');
        // RFC 9112 §7.1: chunk-size = 1*HEXDIG; whitespace (BWS) may only precede an extension's ';'.
        const hex = semi < 0 ? line : line.slice(0, semi).trimEnd();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Http1Error(Http1ErrorCode.InvalidChunkSize, 'Invalid character in chunk size');
        const size = parseInt(hex, 16);
        if (size === 0) this.phase = Phase.Trailers;
        else {
          this.remaining = size;
          this.phase = Phase.ChunkData;
        }
        return eol + 2;
      }
      case Phase.ChunkEnd: {
        if (data.length - at < 2) return this.keep(data, at, 2, Http1ErrorCode.Strict);
        if (data[at] !== 0x0d || data[at + 1] !== 0x0a) throw new Http1Error(Http1ErrorCode.Strict, 'Expected CRLF after chunk data');
        this.phase = Phase.ChunkSize;
        return at + 2;
      }
      case Phase.Trailers: {
        const eol = data.indexOf(CRLF, at);
        if (eol < 0) return this.keep(data, at, MAX_HEAD, Http1ErrorCode.HeadersOverflow);
        if (eol === at) this.finish(); // the empty line that ends the trailers
        else {
          // Trailers are field lines (RFC 9112 §7.1.2); their values are not read.
          const colon = data.indexOf(0x3a, at);
          if (colon <= at || colon >= eol) throw new Http1Error(Http1ErrorCode.InvalidHeaderToken, 'Invalid trailer line');
        }
        return eol + 2;
      }
      case Phase.UntilClose:
        sink.data(at === 0 ? data : data.subarray(at));
        return data.length;
    }
  }

  /** Keeps an incomplete piece for the next chunk (bounded). */
  private keep(data: Buffer, at: number, max: number, code: Http1ErrorCode): number {
    if (data.length - at > max) throw new Http1Error(code, 'Response head or chunk line too large');
    this.pending = Buffer.from(data.subarray(at)); // a copy: `data` may be the shared read buffer
    return data.length;
  }

  /** The status line and headers: what the body looks like and whether the connection stays open. */
  private head(head: string): void {
    const status = statusOf(head);
    const http10 = head.charCodeAt(7) === 0x30;
    let close = false;
    let keepAliveToken = false;
    let length = -1;
    let transferEncoding = false;
    let chunked = false;
    for (let lf = head.indexOf('\n'); lf >= 0; ) {
      if (head.charCodeAt(lf - 1) !== 0x0d) throw new Http1Error(Http1ErrorCode.CrExpected, 'Missing expected CR');
      const start = lf + 1;
      lf = head.indexOf('\n', start);
      const end = lf < 0 ? head.length : lf - 1;
      // A line that starts with whitespace continues the one before (obs-fold): rare, so the head is unfolded and read again.
      if (isSpace(head.charCodeAt(start))) return this.head(unfold(head));
      const colon = head.indexOf(':', start);
      // RFC 9112 §5.1: a field line is a non-empty name, a colon right after it (no whitespace), a value.
      if (colon <= start || colon >= end || isSpace(head.charCodeAt(colon - 1))) throw new Http1Error(Http1ErrorCode.InvalidHeaderToken, 'Invalid header line');
      const nameLength = colon - start;
      // Only four header names matter here; their lengths (14, 17, 10, 10) filter the rest cheaply.
      if (nameLength !== 14 && nameLength !== 17 && nameLength !== 10) continue;
      const name = head.slice(start, colon).toLowerCase();
      const value = head.slice(colon + 1, end).trim().toLowerCase();
      if (name === 'content-length') {
        if (length >= 0) throw new Http1Error(Http1ErrorCode.UnexpectedContentLength, 'Duplicate Content-Length');
        if (!/^\d{1,15}$/.test(value)) throw new Http1Error(Http1ErrorCode.InvalidContentLength, 'Invalid Content-Length');
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        // RFC 9112 §6.3 (4): chunked only when it is the last coding; several fields make one list.
        transferEncoding = true;
        const comma = value.lastIndexOf(',');
        chunked = (comma < 0 ? value : value.slice(comma + 1).trim()) === 'chunked';
      } else if (name === 'connection') {
        // RFC 9110 §7.6.1: a comma-separated list of case-insensitive options; usually just one.
        if (value === 'keep-alive') keepAliveToken = true;
        else if (value === 'close') close = true;
        else
          for (const option of value.split(',')) {
            const o = option.trim();
            if (o === 'close') close = true;
            else if (o === 'keep-alive') keepAliveToken = true;
          }
      } else if (name === 'keep-alive') this.keepAliveHint(value);
    }
    if (status < 200) {
      // 1xx interim answers (100 Continue, 103 Early Hints) precede the real one; 101 would switch protocols.
      if (status === 101) throw new Http1Error(Http1ErrorCode.InvalidStatus, 'Unexpected protocol switch');
      return;
    }
    this.headSeen = true;
    // RFC 9112 §9.3: HTTP/1.1 keeps the connection unless `close`; HTTP/1.0 only with `keep-alive`.
    // RFC 9112 §6.1, §6.3 (3): an answer with transfer-encoding and content-length (or transfer-encoding
    // in HTTP/1.0) may be a smuggling attempt: it is read by its transfer-encoding, then the connection closes.
    const keepAlive = !close && (!http10 || keepAliveToken) && !(transferEncoding && (length >= 0 || http10)) && this.idleMs > 0;
    this.keepAlive = this.keepAlive && keepAlive;
    this.sink!.start(status);
    // RFC 9112 §6.3 (1): a 204 or 304 ends at the empty line, whatever its fields say.
    if (status === 204 || status === 304) return this.finish();
    if (transferEncoding && chunked) this.phase = Phase.ChunkSize;
    else if (!transferEncoding && length > 0) {
      this.remaining = length;
      this.phase = Phase.Length;
    } else if (!transferEncoding && length === 0) this.finish();
    else {
      this.keepAlive = false; // no length (or a coding other than chunked last): the body ends when the server closes
      this.phase = Phase.UntilClose;
    }
  }

  /**
   * `keep-alive: timeout=5`: close an idle connection a second before the server would; a hint of a
   * second or less leaves no safe time to reuse it (idleMs 0: the connection closes after the answer).
   */
  private keepAliveHint(value: string): void {
    // Servers repeat the same hint on every answer: parse it when it changes (decision 0103).
    if (value === this.lastHint) return;
    this.lastHint = value;
    const m = /timeout=(\d+)/.exec(value);
    if (m) this.idleMs = Math.max(0, Math.min(this.timeouts.idleMs, Number(m[1]) * 1000 - 1000));
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
      else sink.fail(this.error ?? new Http1Error(Http1ErrorCode.SocketClosed, 'other side closed'));
    }
    this.events.closed(this);
  }
}
