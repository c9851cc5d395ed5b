// Records what a client under test sends to the mock: every request (API and storage), compactly and
// as it streams — the JSON body of API calls (its chunks, by reference), the multipart STRUCTURE of
// storage POSTs (src/verify/multipart-shape.ts: no file bytes kept), the answer's status, small answer
// body and Retry-After, and mock-clock timestamps. Nothing is parsed or redacted here: that happens
// once, when flows are grouped (src/verify/flows.ts). The mock's server is created with this module's
// request and response classes (one override of emit/end/writeHead/destroy, installed once), so the
// handle hot path pays for two small objects per request and no patched methods or closures.
//
// Memory is bounded: the newest MAX_RECORDED_REQUESTS requests are kept (older ones are dropped in
// batches), i.e. at least the newest 5,000 flows of four requests each. RSS stays flat however long a
// `mock --client-report` run lasts.
import { type IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../mock/clock.ts';
import type { ClientRecordingHook, RequestHook, ServerClasses } from '../mock/client-recording.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { boundaryOf, MultipartShapeReader, type MultipartShape } from './multipart-shape.ts';

export const MAX_RECORDED_REQUESTS = 20_000;
const TRIM_AT = MAX_RECORDED_REQUESTS + MAX_RECORDED_REQUESTS / 10;
/** API bodies and answers above this are not kept (the API's own limit is 1 MiB; real calls are < 2 KiB). */
const KEEP_BODY_BYTES = 64 * 1024;
/** Longest wait for the rest of a body the mock answered unread before the answer is sent anyway. */
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
 * What the recorder keeps per recorded request beside the record: the multipart reader of an upload and
 * the request (the response needs it to hold back a refused upload's answer). One object per request,
 * reached from the request and the response through their `recording` field — nothing is patched.
 */
class Recording {
  /** A refused upload's drain was started (it runs once, see RecordingRequest#destroy). */
  draining = false;
  /** 'close' of the response was seen. */
  closed = false;

  constructor(
    readonly rec: RecordedRequest,
    readonly req: IncomingMessage,
    readonly reader: MultipartShapeReader | undefined,
    readonly clock: Clock,
    /** The request's socket when it arrived: a refused upload's drain needs it back (destroy below). */
    readonly socket: Socket,
  ) {}

  /** A body chunk, as the mock consumes it. */
  data(chunk: Buffer): void {
    const rec = this.rec;
    rec.bodyBytes += chunk.length;
    if (this.reader) this.reader.write(chunk);
    else if (rec.body) {
      if (rec.bodyBytes <= KEEP_BODY_BYTES) rec.body.push(chunk);
      else rec.body = undefined;
    }
  }

  ended(): void {
    // 'end' also comes for a body Node dropped unread (a request answered before it was read is dumped,
    // and the bytes arriving after that are discarded): complete only when the declared length arrived.
    const declared = this.req.headers['content-length'];
    if (declared === undefined || Number(declared) === this.rec.bodyBytes) this.rec.bodyComplete = true;
    if (this.reader) this.rec.multipart = this.reader.end();
  }

  answer(chunk: unknown): void {
    if (typeof chunk === 'string' && chunk.length <= KEEP_BODY_BYTES) this.rec.answer = chunk;
    else if (chunk instanceof Uint8Array && chunk.length <= KEEP_BODY_BYTES) this.rec.answer = Buffer.from(chunk).toString('utf8');
  }

  /** Retry-After as written: Fastify and the storage handler pass headers to writeHead, not setHeader. */
  head(args: unknown[]): void {
    const h = args[args.length - 1] as Record<string, unknown> | undefined;
    if (h && typeof h === 'object' && !Array.isArray(h)) {
      const ra = h['retry-after'] ?? h['Retry-After'];
      if (ra !== undefined) this.rec.retryAfter = String(ra as string | number | string[]);
    }
  }

  closedResponse(res: ServerResponse): void {
    if (this.closed) return;
    this.closed = true;
    const rec = this.rec;
    rec.doneAt = this.clock.now();
    if (res.writableFinished) {
      rec.status = res.statusCode;
      const ra = res.getHeader('retry-after');
      if (ra !== undefined) rec.retryAfter ??= String(ra);
    } else rec.aborted = true;
    if (this.reader && rec.multipart === undefined) rec.multipart = this.reader.end(); // body cut short
  }
}

/**
 * The request class of a recording mock's server (node:http's `IncomingMessage` option): the body is seen
 * as the mock consumes it (every Readable delivers chunks through emit('data')), so whoever reads it —
 * Fastify's routes, the storage handler — reads it unchanged. Overriding the class once, instead of
 * patching `emit` on every request, keeps the objects' shapes stable and costs no closures per request;
 * a request the recorder does not record (`recording` undefined) only pays the field check.
 */
class RecordingRequest extends IncomingMessage {
  recording: Recording | undefined = undefined;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const r = this.recording;
    if (r !== undefined) {
      if (event === 'data') r.data(args[0] as Buffer);
      else if (event === 'end') r.ended();
    }
    return super.emit(event, ...args);
  }

  /**
   * When the storage refuses an upload it stops reading and destroys the request (S3 does the same).
   * The judge needs what came after — a field after the file is exactly where S3 stops — so a recorded
   * upload is read to its end instead (bytes only counted), for at most DRAIN_MS; the refusal is then
   * answered on a connection that closes as before. Only with recording on, once per upload; the mock is
   * unchanged.
   */
  override destroy(error?: Error): this {
    const r = this.recording;
    if (r === undefined || r.reader === undefined || r.draining) return super.destroy(error);
    r.draining = true;
    if (this.readableEnded) return super.destroy();
    // Node's stream destroyer detaches a server request's socket before destroying it; reading on
    // needs it back (IncomingMessage#_read resumes the socket).
    if (!this.socket) this.socket = r.socket;
    // The reader that stopped is gone; its listeners would keep the stream paused.
    this.removeAllListeners('readable');
    this.removeAllListeners('data');
    const timer = setTimeout(() => super.destroy(), DRAIN_MS);
    this.once('end', () => clearTimeout(timer));
    this.once('error', () => clearTimeout(timer));
    this.resume();
    return this;
  }
}

/** The response class of a recording mock's server (node:http's `ServerResponse` option); see above. */
class RecordingResponse extends ServerResponse {
  recording: Recording | undefined = undefined;

  override writeHead(...args: unknown[]): this {
    this.recording?.head(args);
    return (super.writeHead as (...a: unknown[]) => this).apply(this, args);
  }

  private endNow(args: unknown[]): this {
    return (super.end as (...a: unknown[]) => this).apply(this, args);
  }

  override end(...args: unknown[]): this {
    const r = this.recording;
    if (r === undefined) return this.endNow(args);
    r.answer(args[0]);
    const req = r.req;
    if (req.readableEnded || req.destroyed) return this.endNow(args);
    // The mock answered before reading the whole body: the API refusing a caller's credentials, the
    // storage refusing an upload (and closing the connection). The judge needs what the client sent — a
    // field after the file is exactly what S3 stops at; a refused handle request's body is still judged —
    // so the rest is read before the answer goes out, for at most DRAIN_MS (unread, Node would drop it).
    let done = false;
    const once = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.endNow(args);
    };
    const timer = setTimeout(once, DRAIN_MS);
    req.once('end', once);
    req.once('close', once);
    req.resume();
    return this;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'close') this.recording?.closedResponse(this);
    return super.emit(event, ...args);
  }
}

export class ClientRecorder implements ClientRecordingHook {
  private list: RecordedRequest[] = [];
  private seq = 0;
  private clock: Clock = { now: () => Date.now() };
  /** Off while the harness itself talks to the mock (creating the run's candidate). */
  active = true;
  interceptor: Interceptor | undefined;
  /** Requests dropped by the memory bound (reported, so a truncated history is never silent). */
  dropped = 0;

  constructor(private readonly bucket: string = DEFAULT_STORAGE_CREDENTIALS.bucket) {}

  /** The mock's server is created with these (client-recording.ts): they observe bodies and answers. */
  readonly serverClasses: ServerClasses = { IncomingMessage: RecordingRequest, ServerResponse: RecordingResponse };

  /** The recording stage of the mock's request pipeline (src/mock/http-server.ts). */
  requestHook(clock: Clock): RequestHook {
    this.clock = clock;
    return (req, res) => {
      const rec = this.active ? this.tap(req, res) : undefined;
      return rec !== undefined && this.interceptor !== undefined && this.interceptor(req, res, rec);
    };
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
    if (!(req instanceof RecordingRequest) || !(res instanceof RecordingResponse)) throw new Error('client recording: the mock server was not created with the recorder\'s serverClasses');
    const url = req.url ?? '/';
    if (url.startsWith('/_control/')) return undefined;
    const q = url.indexOf('?');
    // Every field declared here, the ones filled in later as undefined: records added to one by one
    // changed shape four or five times each (doneAt, status, answer, …) and moved their fields out of the
    // object; declared up front, the recording row gained 0.03–0.04 in a same-hour A/B
    // (docs/performance.md). test/verify/recorder.test.ts keeps the keys fixed.
    const rec: RecordedRequest = {
      seq: ++this.seq,
      at: this.clock.now(),
      doneAt: undefined,
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      kind: this.kindOf(req.method, q === -1 ? url : url.slice(0, q)),
      bodyBytes: 0,
      bodyComplete: undefined,
      body: undefined,
      multipart: undefined,
      status: undefined,
      retryAfter: undefined,
      answer: undefined,
      aborted: undefined,
      injected: undefined,
    };
    this.add(rec);
    const boundary = boundaryOf(req.headers['content-type']);
    const reader = boundary !== undefined ? new MultipartShapeReader(boundary) : undefined;
    if (reader === undefined && rec.kind === 'api') rec.body = [];
    const recording = new Recording(rec, req, reader, this.clock, req.socket);
    req.recording = recording;
    res.recording = recording;
    return rec;
  }
}
