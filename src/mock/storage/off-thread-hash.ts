// Hashes computed on a worker thread (hash-worker.mjs). MD5 for the S3 ETag is the slowest step of
// ingest (~600 MiB/s on one core, single-stream and not parallelisable); on the worker it runs in
// parallel with the main thread's parsing, SHA-256 and disk writes (docs/performance.md).
// One long-lived worker per HashWorker: started on first use, unref'd whenever nothing waits on it (an
// idle worker never keeps the process alive), terminated by close(). If it dies, the streams on it fail
// and the next open() starts a fresh one.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./hash-worker.mjs', import.meta.url);

interface Reply {
  req: number;
  digest?: string;
  /** An update's bytes, handed back for reuse. */
  data?: Uint8Array;
  error?: string;
}

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

type Request = { op: 'update'; stream: number; algorithm: string; data: Uint8Array } | { op: 'digest'; stream: number; algorithm: string };

/** One worker and the requests waiting on it. */
class Channel {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextReq = 0;
  failure: Error | undefined;

  constructor() {
    // execArgv []: the worker is plain JS, so it must not inherit tsx's loader (slow start, extra thread).
    this.worker = new Worker(WORKER_URL, { execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`hash worker exited (code ${code})`)));
  }

  request(message: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      // Referenced only while someone waits: an upload in progress keeps the process alive, an idle
      // worker does not.
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(req, { resolve, reject });
      this.worker.postMessage({ ...message, req }, transfer);
    });
  }

  /** Fire-and-forget (no answer awaited). */
  post(message: { op: 'drop'; stream: number }): void {
    if (this.failure === undefined) this.worker.postMessage(message);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.req);
    if (waiter === undefined) return;
    this.waiting.delete(reply.req);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.error !== undefined) waiter.reject(new Error(`hash worker: ${reply.error}`));
    else waiter.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}

/** Copies of batches travel to the worker and back in these, so that ingest does not allocate (and
 * page-fault in) a fresh megabyte per batch. A few are kept; a batch larger than one is allocated. */
class TransferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    readonly bufferBytes: number,
    private readonly keep: number,
  ) {}

  /** The bytes of `buffers` in one Buffer that owns its whole ArrayBuffer (so it can be transferred). */
  copy(buffers: readonly Buffer[], totalBytes: number): Buffer {
    const backing = totalBytes <= this.bufferBytes ? (this.free.pop() ?? new ArrayBuffer(this.bufferBytes)) : new ArrayBuffer(totalBytes);
    const out = Buffer.from(backing, 0, totalBytes);
    let offset = 0;
    for (const b of buffers) {
      out.set(b, offset);
      offset += b.length;
    }
    return out;
  }

  release(backing: ArrayBuffer): void {
    if (backing.byteLength === this.bufferBytes && this.free.length < this.keep) this.free.push(backing);
  }
}

/** A running hash whose state lives on the worker. Updates are processed in the order they are made. */
export class OffThreadHash {
  private done = false;

  constructor(
    private readonly channel: Channel,
    private readonly pool: TransferPool,
    private readonly stream: number,
    private readonly algorithm: string,
  ) {}

  /** Hashes the bytes of `buffers` (copied; the caller keeps them). Resolves once the worker is done. */
  async update(buffers: readonly Buffer[], totalBytes: number): Promise<void> {
    if (this.done) throw new Error('hash already finished');
    const data = this.pool.copy(buffers, totalBytes);
    const message = { op: 'update', stream: this.stream, algorithm: this.algorithm, data } as const;
    const reply = await this.channel.request(message, [data.buffer as ArrayBuffer]);
    if (reply.data !== undefined) this.pool.release(reply.data.buffer as ArrayBuffer);
  }

  async digest(): Promise<string> {
    if (this.done) throw new Error('hash already finished');
    this.done = true;
    return (await this.channel.request({ op: 'digest', stream: this.stream, algorithm: this.algorithm })).digest!;
  }

  /** Forgets the stream on the worker (an abandoned upload). */
  drop(): void {
    if (this.done) return;
    this.done = true;
    this.channel.post({ op: 'drop', stream: this.stream });
  }
}

export class HashWorker {
  private channel: Channel | undefined;
  private nextStream = 0;
  private closed = false;
  private readonly pool: TransferPool;

  /** `batchBytes`: the usual size of one update (larger ones work, without buffer reuse). */
  constructor(batchBytes: number) {
    this.pool = new TransferPool(batchBytes, 8);
  }

  open(algorithm: string): OffThreadHash {
    if (this.closed) throw new Error('hash worker closed');
    if (this.channel === undefined || this.channel.failure !== undefined) this.channel = new Channel();
    return new OffThreadHash(this.channel, this.pool, this.nextStream++, algorithm);
  }

  /** Stops the worker; streams still open on it fail. */
  async close(): Promise<void> {
    this.closed = true;
    const channel = this.channel;
    this.channel = undefined;
    await channel?.terminate();
  }
}
