// Records what a client under test sends to the mock: every request (API and storage), compactly and
// as it streams — the JSON body of API calls (its chunks, by reference), the multipart STRUCTURE of
// storage POSTs (src/verify/multipart-shape.ts: no file bytes kept), the answer's status, small answer
// body and Retry-After, and mock-clock timestamps. Nothing is parsed or redacted here: that happens
// once, when flows are grouped (src/verify/flows.ts), so the handle hot path pays only for an object
// and two patched methods per request.
//
// Memory is bounded: the newest MAX_RECORDED_REQUESTS requests are kept (older ones are dropped in
// batches), i.e. at least the newest 5,000 flows of four requests each. RSS stays flat however long a
// `mock --client-report` run lasts.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Clock } from '../mock/clock.ts';
import type { ClientRecorder as RecorderHook } from '../mock/client-recording.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { boundaryOf, MultipartShapeReader, type MultipartShape } from './multipart-shape.ts';

export const MAX_RECORDED_REQUESTS = 20_000;
const TRIM_AT = MAX_RECORDED_REQUESTS + MAX_RECORDED_REQUESTS / 10;
/** API bodies and answers above this are not kept (the API's own limit is 1 MiB; real calls are < 2 KiB). */
const KEEP_BODY_BYTES = 64 * 1024;
/** Longest wait for the rest of a refused upload's body before the answer is sent anyway. */
const DRAIN_MS = 5_000;

export type RequestKind = 'api' | 'storage' | 'other';

export interface RecordedRequest {
  seq: number;
  /** Mock-clock time the request head arrived (ms since epoch). */
  at: number;
  /** Mock-clock time the answer was complete (or the connection closed). */
  doneAt?: number;
  method: string;
  /** Raw URL (path and query); redacted before it reaches any report. */
  url: string;
  headers: IncomingHttpHeaders;
  kind: RequestKind;
  bodyBytes: number;
  /** The whole body arrived (the reader got its end); false when the server stopped reading early. */
  bodyComplete?: true;
  /** API body chunks (by reference), when the body was at most KEEP_BODY_BYTES. */
  body?: Buffer[];
  /** Multipart structure (storage POSTs, multipart API calls). */
  multipart?: MultipartShape;
  status?: number;
  retryAfter?: string;
  /** The answer body, when small (API envelopes, S3 error XML). */
  answer?: string;
  /** The connection closed before the answer was complete. */
  aborted?: boolean;
  /** A robustness fault injected on this request (src/verify/robustness.ts). */
  injected?: string;
}

/** Answers a request itself instead of the mock (robustness faults); returns true when it did. */
export type Interceptor = (req: IncomingMessage, res: ServerResponse, rec: RecordedRequest) => boolean;

/**
 * When the storage refuses an upload it stops reading and destroys the request (S3 does the same).
 * The judge needs what came after — a field after the file is exactly where S3 stops — so a recorded
 * upload is read to its end instead (bytes only counted), for at most DRAIN_MS; the refusal is then
 * answered on a connection that closes as before. Only with recording on; the mock is unchanged.
 */
function keepReading(req: IncomingMessage): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back, or called with .call(this)
  const destroy = req.destroy;
  const socket = req.socket;
  req.destroy = function (this: IncomingMessage): IncomingMessage {
    req.destroy = destroy;
    if (this.readableEnded) return destroy.call(this);
    // Node's stream destroyer detaches a server request's socket before destroying it; reading on
    // needs it back (IncomingMessage#_read resumes the socket).
    if (!this.socket) this.socket = socket;
    // The reader that stopped is gone; its listeners would keep the stream paused.
    this.removeAllListeners('readable');
    this.removeAllListeners('data');
    const timer = setTimeout(() => destroy.call(this), DRAIN_MS);
    this.once('end', () => clearTimeout(timer));
    this.once('error', () => clearTimeout(timer));
    this.resume();
    return this;
  } as typeof req.destroy;
}

export class ClientRecorder implements RecorderHook {
  private list: RecordedRequest[] = [];
  private seq = 0;
  private clock: Clock = { now: () => Date.now() };
  /** Off while the harness itself talks to the mock (creating the run's candidate). */
  active = true;
  interceptor: Interceptor | undefined;
  /** Requests dropped by the memory bound (reported, so a truncated history is never silent). */
  dropped = 0;

  constructor(private readonly bucket: string = DEFAULT_STORAGE_CREDENTIALS.bucket) {}

  attach(server: Server, clock: Clock): void {
    this.clock = clock;
    const previous = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    if (previous.length !== 1) throw new Error('client recording: the mock server has an unexpected request listener shape');
    const inner = previous[0]!;
    server.removeListener('request', inner);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const rec = this.active ? this.tap(req, res) : undefined;
      if (rec && this.interceptor?.(req, res, rec)) return;
      inner(req, res);
    });
  }

  get requests(): readonly RecordedRequest[] {
    return this.list;
  }

  /** Keeps a record within the bound (oldest dropped in batches: a shift per request would move 20,000). */
  add(rec: RecordedRequest): void {
    this.list.push(rec);
    if (this.list.length >= TRIM_AT) {
      this.dropped += this.list.length - MAX_RECORDED_REQUESTS;
      this.list.splice(0, this.list.length - MAX_RECORDED_REQUESTS);
    }
  }

  clear(): void {
    this.list = [];
  }

  /** API calls are POSTs to `/<category>.<method>` (a browser's GET /favicon.ico is not one). */
  private kindOf(method: string | undefined, path: string): RequestKind {
    if (path.startsWith(`/${this.bucket}`)) return 'storage';
    if (method === 'POST' && /^\/[A-Za-z]+\.[A-Za-z]+$/.test(path)) return 'api';
    return 'other';
  }

  private tap(req: IncomingMessage, res: ServerResponse): RecordedRequest | undefined {
    const url = req.url ?? '/';
    if (url.startsWith('/_control/')) return undefined;
    const q = url.indexOf('?');
    const rec: RecordedRequest = { seq: ++this.seq, at: this.clock.now(), method: req.method ?? 'GET', url, headers: req.headers, kind: this.kindOf(req.method, q === -1 ? url : url.slice(0, q)), bodyBytes: 0 };
    this.add(rec);
    const boundary = boundaryOf(req.headers['content-type']);
    const reader = boundary !== undefined ? new MultipartShapeReader(boundary) : undefined;
    const keepBody = reader === undefined && rec.kind === 'api';
    if (keepBody) rec.body = [];
    // The body is seen as the mock consumes it (every Readable delivers chunks through emit('data')),
    // so whoever reads it — Fastify, the lean route, the storage handler — reads it unchanged.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back, or called with .call(this)
    const emit = req.emit;
    req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'data') {
        const chunk = args[0] as Buffer;
        rec.bodyBytes += chunk.length;
        if (reader) reader.write(chunk);
        else if (rec.body) {
          if (rec.bodyBytes <= KEEP_BODY_BYTES) rec.body.push(chunk);
          else delete rec.body;
        }
      } else if (event === 'end') {
        rec.bodyComplete = true;
        if (reader) rec.multipart = reader.end();
      }
      return emit.call(this, event, ...args);
    } as typeof req.emit;
    if (reader) keepReading(req);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back, or called with .call(this)
    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
      const chunk = args[0];
      if (typeof chunk === 'string' && chunk.length <= KEEP_BODY_BYTES) rec.answer = chunk;
      else if (chunk instanceof Uint8Array && chunk.length <= KEEP_BODY_BYTES) rec.answer = Buffer.from(chunk).toString('utf8');
      const finish = (): ServerResponse => (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      if (reader === undefined || req.readableEnded || req.destroyed) return finish();
      // The storage refused the upload before reading all of it (and will close the connection). The
      // judge needs the whole structure — a field after the file is exactly what S3 stops at — so
      // the rest is read (and only counted) before the answer goes out, for at most DRAIN_MS.
      let done = false;
      const once = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        finish();
      };
      const timer = setTimeout(once, DRAIN_MS);
      req.once('end', once);
      req.once('close', once);
      req.resume();
      return this;
    } as typeof res.end;
    // Retry-After as written: Fastify and the lean route pass headers to writeHead, not setHeader.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back, or called with .call(this)
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
      const h = args[args.length - 1] as Record<string, unknown> | undefined;
      if (h && typeof h === 'object' && !Array.isArray(h)) {
        const ra = h['retry-after'] ?? h['Retry-After'];
        if (ra !== undefined) rec.retryAfter = String(ra as string | number | string[]);
      }
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;
    const clock = this.clock;
    res.once('close', () => {
      rec.doneAt = clock.now();
      if (res.writableFinished) {
        rec.status = res.statusCode;
        const ra = res.getHeader('retry-after');
        if (ra !== undefined) rec.retryAfter ??= String(ra);
      } else rec.aborted = true;
      if (reader && rec.multipart === undefined) rec.multipart = reader.end(); // body cut short
    });
    return rec;
  }
}
