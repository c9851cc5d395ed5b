// Objects on disk. A key never becomes a path: each stored version is `objects/<sha256(key)>-<random>`
// so traversal, absolute paths, NUL or CRLF in keys cannot reach outside rootDir. Uploads stream to
// `tmp/` while SHA-256 and MD5 are computed; only a complete, accepted upload is renamed into place
// (atomic on one filesystem), and the metadata map is switched after the rename, so getObject never
// sees a partial object and a rejected upload leaves the previous version intact.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredObject } from './types.ts';

export interface ObjectRecord {
  object: StoredObject;
  path: string;
}

const WRITE_BATCH = 1024 * 1024;

export class TempUpload {
  size = 0;
  private readonly sha256: Hash = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private closed = false;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Socket-sized chunks (~64 KiB) are batched into one writev of up to WRITE_BATCH bytes: one awaited
   * file write per 64 KiB made disk round trips, not hashing, the limit (docs/performance.md). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  async write(chunk: Buffer): Promise<void> {
    this.sha256.update(chunk);
    this.md5.update(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Sequential awaited writes are the backpressure: the reader pulls the next chunk only after this
    // resolves, so at most WRITE_BATCH bytes per upload wait in memory.
    if (this.pendingBytes >= WRITE_BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.writev(buffers);
  }

  async finish(): Promise<{ sha256: string; md5: string }> {
    await this.flush();
    await this.close();
    return { sha256: this.sha256.digest('hex'), md5: this.md5.digest('hex') };
  }

  async discard(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

export class ObjectStore {
  private readonly records = new Map<string, ObjectRecord>();
  private readonly objectsDir: string;
  private readonly tmpDir: string;

  constructor(rootDir: string) {
    this.objectsDir = join(rootDir, 'objects');
    this.tmpDir = join(rootDir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  async createTemp(): Promise<TempUpload> {
    const path = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    return new TempUpload(path, await open(path, 'wx'));
  }

  async commit(temp: TempUpload, key: string, contentType: string, now: number): Promise<StoredObject> {
    const { sha256, md5 } = await temp.finish();
    const keyHash = createHash('sha256').update(key, 'utf8').digest('hex');
    const path = join(this.objectsDir, `${keyHash}-${randomBytes(6).toString('hex')}`);
    await rename(temp.path, path);
    const object: StoredObject = { key, size: temp.size, sha256, md5, contentType, storedAt: now };
    const previous = this.records.get(key);
    this.records.set(key, { object, path });
    // An open download keeps reading the old inode; new lookups already see the new version.
    if (previous) await rm(previous.path, { force: true });
    return object;
  }

  get(key: string): ObjectRecord | undefined {
    return this.records.get(key);
  }

  list(): StoredObject[] {
    return [...this.records.values()].map((r) => r.object);
  }
}
