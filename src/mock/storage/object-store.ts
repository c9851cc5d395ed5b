// Objects on disk. A key never becomes a path: each stored version is `objects/<sha256(key)>-<random>`
// so traversal, absolute paths, NUL or CRLF in keys cannot reach outside rootDir. Uploads stream to
// `tmp/` while MD5 (the ETag) is computed; only a complete, accepted upload is renamed into place
// (atomic on one filesystem), and the metadata map is switched after the rename, so getObject never
// sees a partial object and a rejected upload leaves the previous version intact. What is kept is
// bounded (StorageCaps): past a cap the oldest objects leave the index and the disk.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredObject } from './types.ts';
import { HashWorker, type OffThreadHash } from './off-thread-hash.ts';

export interface ObjectRecord {
  object: StoredObject;
  path: string;
}

/** What the store keeps at most; beyond either cap the oldest objects are evicted (docs/reliability.md). */
export interface StorageCaps {
  maxObjects: number;
  maxBytes: number;
}

/** Defaults: far more than any conformance run or short load test stores, small enough that a soak run
 * of hours cannot fill a disk (10,000 objects; 2 GiB, e.g. 8,000 files of 256 KiB). */
export const STORAGE_CAPS: StorageCaps = { maxObjects: 10_000, maxBytes: 2 * 1024 ** 3 };

/** Socket-sized chunks (~64 KiB) are batched into one positional writev of up to WRITE_BATCH bytes: one
 * awaited file write per 64 KiB made disk round trips the limit (docs/performance.md). */
const WRITE_BATCH = 1024 * 1024;
/** A batch is flushed once it reaches WRITE_BATCH, so it exceeds it by less than one chunk (socket
 * reads are ≤ 64 KiB); the worker's reusable copy buffers are sized for that. */
const MAX_CHUNK_SLACK = 128 * 1024;
/** Batches being written and MD5-hashed while the next one is read. 2 keeps the worker busy (one batch
 * hashing, one queued) and bounds memory per upload to ~5 × WRITE_BATCH (each batch in flight is held
 * twice, as socket chunks and as the worker's copy, plus the batch being filled). */
const MAX_IN_FLIGHT = 2;

const ignore = (): void => undefined;

/** SHA-256 of a stored file, read back in WRITE_BATCH pieces (the file never changes once committed). */
function sha256OfFile(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(WRITE_BATCH);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The object's metadata. `sha256` is not needed for any answer (the ETag is the MD5), so it is not
 * computed while the upload streams (a second hash over every byte, for nothing the answer needs): it is read
 * back from the stored file on first access and kept (decision 0041). An object whose file was already
 * evicted or replaced by then cannot produce it any more and throws.
 */
function storedObject(fields: Omit<StoredObject, 'sha256'>, path: string): StoredObject {
  let sha256: string | undefined;
  return Object.defineProperty({ ...fields } as StoredObject, 'sha256', {
    enumerable: true,
    get: () => {
      if (sha256 !== undefined) return sha256;
      try {
        sha256 = sha256OfFile(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new Error(`storage: the SHA-256 of "${fields.key}" is no longer available: its file was evicted or replaced before it was first read (${code})`, { cause: error });
      }
      return sha256;
    },
  });
}

export class TempUpload {
  size = 0;
  /** SHA-256 on the main thread (~1.4 GB/s with SHA-NI); MD5 (~0.6 GB/s) is the bottleneck, so from the
   * first full batch on it runs on the worker, in parallel. An upload smaller than one batch hashes MD5
   * inline at finish() and never touches the worker. */
  private md5: OffThreadHash | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes already handed to the disk: the file position of the next batch. */
  private flushedBytes = 0;
  private inFlight: Promise<void>[] = [];
  private closed = false;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly hasher: HashWorker,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Awaited writes are the backpressure: the reader pulls the next chunk only after this resolves, and
    // it resolves only while fewer than MAX_IN_FLIGHT batches are still being written or hashed.
    if (this.pendingBytes >= WRITE_BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    const buffers = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const position = this.flushedBytes;
    this.flushedBytes += bytes;
    this.md5 ??= this.hasher.open('md5');
    // Positional writes: batches may complete in any order and still land in the right place. The MD5
    // copy is transferred to the worker; the socket chunks themselves go to disk.
    const done = Promise.all([this.handle.writev(buffers, position), this.md5.update(buffers, bytes)]).then(ignore);
    done.catch(ignore); // observed below, in finish() or in discard(); never an unhandled rejection
    this.inFlight.push(done);
    if (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
  }

  async finish(): Promise<{ md5: string }> {
    let md5: string | undefined;
    if (this.md5 === undefined) {
      const inline = createHash('md5');
      for (const chunk of this.pending) inline.update(chunk);
      md5 = inline.digest('hex');
      if (this.pendingBytes > 0) await this.handle.writev(this.pending, 0);
      this.pending = [];
      this.pendingBytes = 0;
    } else if (this.pendingBytes > 0) {
      await this.flush();
    }
    await this.settleInFlight();
    md5 ??= await this.md5!.digest();
    await this.close();
    return { md5 };
  }

  async discard(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    this.md5?.drop();
    await this.settleInFlight().catch(ignore);
    await this.close().catch(ignore);
    await rm(this.path, { force: true });
  }

  /** Waits for EVERY batch in flight, then throws the first failure: the file is closed (and maybe
   * removed) only after no write to it is pending, even when an earlier one failed. */
  private async settleInFlight(): Promise<void> {
    const results = await Promise.allSettled(this.inFlight);
    this.inFlight = [];
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

export class ObjectStore {
  /** In commit order, oldest first: the eviction order. */
  private readonly records = new Map<string, ObjectRecord>();
  private storedBytes = 0;
  private evictedCount = 0;
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  /** Shared by all uploads; its thread starts with the first upload larger than one write batch. */
  private readonly hasher = new HashWorker(WRITE_BATCH + MAX_CHUNK_SLACK);

  constructor(
    rootDir: string,
    private readonly caps: StorageCaps = STORAGE_CAPS,
  ) {
    this.objectsDir = join(rootDir, 'objects');
    this.tmpDir = join(rootDir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  async createTemp(): Promise<TempUpload> {
    const path = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    return new TempUpload(path, await open(path, 'wx'), this.hasher);
  }

  /** Stops the hash worker (the server is closing). */
  async close(): Promise<void> {
    await this.hasher.close();
  }

  async commit(temp: TempUpload, key: string, contentType: string, now: number): Promise<StoredObject> {
    const { md5 } = await temp.finish();
    const keyHash = createHash('sha256').update(key, 'utf8').digest('hex');
    const path = join(this.objectsDir, `${keyHash}-${randomBytes(6).toString('hex')}`);
    await rename(temp.path, path);
    const object = storedObject({ key, size: temp.size, md5, contentType, storedAt: now }, path);
    const previous = this.records.get(key);
    // A new version of a key is the newest object: delete first so it moves to the end of the order.
    if (previous) this.forget(key, previous);
    this.records.set(key, { object, path });
    this.storedBytes += object.size;
    const evicted = this.overCap();
    // An open download keeps reading the old inode; new lookups already see the new version.
    if (previous) evicted.push(previous.path);
    for (const file of evicted) await rm(file, { force: true });
    return object;
  }

  /** Takes the oldest objects out of the index until both caps hold again, and returns their files.
   * The object just committed is never evicted, even when it alone exceeds maxBytes: its upload was
   * accepted, so it stays readable until a newer one replaces it. */
  private overCap(): string[] {
    const files: string[] = [];
    while (this.records.size > 1 && (this.records.size > this.caps.maxObjects || this.storedBytes > this.caps.maxBytes)) {
      const [key, oldest] = this.records.entries().next().value as [string, ObjectRecord];
      this.forget(key, oldest);
      this.evictedCount++;
      files.push(oldest.path);
    }
    return files;
  }

  private forget(key: string, record: ObjectRecord): void {
    this.records.delete(key);
    this.storedBytes -= record.object.size;
  }

  /** What is kept now, and how many objects were evicted so far. */
  usage(): { objects: number; bytes: number; evicted: number } {
    return { objects: this.records.size, bytes: this.storedBytes, evicted: this.evictedCount };
  }

  get(key: string): ObjectRecord | undefined {
    return this.records.get(key);
  }

  list(): StoredObject[] {
    return [...this.records.values()].map((r) => r.object);
  }
}
