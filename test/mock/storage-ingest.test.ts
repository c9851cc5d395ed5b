// The ingest fast path: MD5 on a worker thread, pipelined positional disk writes, and the
// multipart reader holding back only a possible delimiter prefix. Each must keep exact results.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HashWorker, OffThreadHash } from '../../src/mock/storage/off-thread-hash.ts';
import { ObjectStore } from '../../src/mock/storage/object-store.ts';
import { partialDelimiterStart } from '../../src/mock/multipart-tokenizer.ts';
import { readMultipart } from '../../src/mock/storage/multipart-reader.ts';
import { encodeMultipart } from '../../src/protocol/multipart.ts';
import { postForm, startStorage, type StorageServer } from './storage-fixture.ts';

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** `bytes` cut at random, odd places (1 byte … 300 KiB), so batches never line up with anything. */
function oddChunks(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, 1 + Math.floor(Math.random() ** 3 * 300 * 1024));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('HashWorker', () => {
  it('gives the same digests as node:crypto, for several interleaved streams and odd batches', async () => {
    const hasher = new HashWorker(MiB);
    try {
      const inputs = [randomBytes(0), randomBytes(1), randomBytes(3 * MiB + 7), randomBytes(MiB), randomBytes(5 * MiB + 1)];
      const results = await Promise.all(
        inputs.flatMap((input) =>
          (['md5', 'sha256'] as const).map(async (algorithm) => {
            const hash = hasher.open(algorithm);
            // Updates of mixed sizes: some fit a pooled buffer, some are larger; the caller's buffers
            // stay intact (they are copied, not transferred).
            for (const chunk of oddChunks(input)) await hash.update([chunk.subarray(0, 5), chunk.subarray(5)], chunk.length);
            return { algorithm, input, digest: await hash.digest() };
          }),
        ),
      );
      for (const { algorithm, input, digest } of results) expect(digest).toBe(createHash(algorithm).update(input).digest('hex'));
      expect(inputs[2]!.length).toBe(3 * MiB + 7);
    } finally {
      await hasher.close();
    }
  });

  it('fails open streams when closed and refuses new ones', async () => {
    const hasher = new HashWorker(MiB);
    const hash = hasher.open('md5');
    await hash.update([randomBytes(1000)], 1000);
    await hasher.close();
    await expect(hash.digest()).rejects.toThrow();
    expect(() => hasher.open('md5')).toThrow(/closed/);
  });

  it('does not keep the process alive when left open (unref while idle)', () => {
    const script = `
      import { HashWorker } from ${JSON.stringify(new URL('../../src/mock/storage/off-thread-hash.ts', import.meta.url).href)};
      const hash = new HashWorker(1024).open('md5');
      await hash.update([Buffer.from('abc')], 3);
      console.log(await hash.digest());`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.stdout.trim()).toBe(md5(Buffer.from('abc')));
    expect(child.status).toBe(0);
  });
});

describe('ObjectStore uploads', () => {
  let root: string;
  let store: ObjectStore;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ingest-test-'));
    store = new ObjectStore(root);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stores exact bytes, size, SHA-256 and MD5 for sizes around the batch size, written in odd chunks', async () => {
    for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 4 * MiB + 12345]) {
      const bytes = randomBytes(size);
      const temp = await store.createTemp();
      for (const chunk of oddChunks(bytes)) await temp.write(chunk);
      const object = await store.commit(temp, `k-${size}`, 'application/octet-stream', 0);
      expect(object).toMatchObject({ size, sha256: sha256(bytes), md5: md5(bytes) });
      expect((await readFile(store.get(`k-${size}`)!.path)).equals(bytes)).toBe(true);
    }
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('discard after several batches leaves no temp file, and the worker keeps serving', async () => {
    const temp = await store.createTemp();
    for (const chunk of oddChunks(randomBytes(3 * MiB + 5))) await temp.write(chunk);
    await temp.discard();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    const bytes = randomBytes(2 * MiB + 3);
    const next = await store.createTemp();
    for (const chunk of oddChunks(bytes)) await next.write(chunk);
    expect((await store.commit(next, 'after-discard', 'x', 0)).md5).toBe(md5(bytes));
  });
});

describe('multipart reader: delimiter across chunk edges', () => {
  it('partialDelimiterStart finds only a real delimiter prefix at the end', () => {
    const d = Buffer.from('\r\n--abc');
    expect(partialDelimiterStart(Buffer.from('xxxx'), d)).toBe(4);
    expect(partialDelimiterStart(Buffer.from('xx\r'), d)).toBe(2);
    expect(partialDelimiterStart(Buffer.from('xx\r\n-'), d)).toBe(2);
    expect(partialDelimiterStart(Buffer.from('x\r\n--ab'), d)).toBe(1);
    expect(partialDelimiterStart(Buffer.from('\r\n-x\r\n'), d)).toBe(4);
    expect(partialDelimiterStart(Buffer.from('\r\r'), d)).toBe(1);
    expect(partialDelimiterStart(Buffer.from(''), d)).toBe(0);
  });

  it('hands over the exact file bytes whatever the chunking, including near-delimiter content', async () => {
    const boundary = 'XyZ0123';
    // Content full of delimiter look-alikes: CR, CRLF, CRLF--, CRLF--XyZ012 (one byte short).
    const pieces = ['\r', '\r\n', '\r\n-', '\r\n--', `\r\n--${boundary.slice(0, -1)}`, 'plain', '\r\r\n\n--'];
    const content = Buffer.from(Array.from({ length: 400 }, (_, i) => pieces[i % pieces.length]).join('') + randomBytes(3000).toString('latin1'), 'latin1');
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    for (const size of [1, 2, 3, 7, 8, 9, 13, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
      const got: Buffer[] = [];
      const fields: string[] = [];
      const result = await readMultipart(
        (async function* () {
          yield* chunks;
        })(),
        boundary,
        20 * 1024,
        {
          onPart: (part) => (part.name === 'file' ? { write: (c: Buffer) => void got.push(Buffer.from(c)) } : 'field'),
          onField: (part, value) => void fields.push(`${part.name}=${value}`),
          onFileEnd: () => undefined,
        },
      );
      expect(result).toBe('complete');
      expect(fields).toEqual(['key=k']);
      expect(Buffer.concat(got).equals(content)).toBe(true);
    }
  });
});

describe('over HTTP', () => {
  let server: StorageServer;
  beforeAll(async () => {
    server = await startStorage();
  });
  afterAll(async () => server.close());

  it('a client abort after several MiB (worker in use) leaves no object and no temp file', async () => {
    const size = 8 * MiB;
    const post = server.storage.presignPost({ key: 'big-abort.bin', contentType: 'application/octet-stream', contentLength: size, ttlMs: 600_000 });
    const form = encodeMultipart(post.fields, { filename: 'a', contentType: 'application/octet-stream' }, randomBytes(size));
    const { hostname, port } = new URL(server.baseUrl);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(`POST /${server.credentials.bucket} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`);
    // What the hash worker has finished of this upload's batches, and whether its stream was dropped.
    let hashed = 0;
    const realUpdate = Object.getOwnPropertyDescriptor(OffThreadHash.prototype, 'update')!.value as OffThreadHash['update'];
    const update = vi.spyOn(OffThreadHash.prototype, 'update').mockImplementation(async function (this: OffThreadHash, buffers, totalBytes) {
      await realUpdate.call(this, buffers, totalBytes);
      hashed += totalBytes;
    });
    const drop = vi.spyOn(OffThreadHash.prototype, 'drop');
    try {
      socket.write(form.body.subarray(0, 5 * MiB));
      const tmp = join(server.rootDir, 'tmp');
      await vi.waitFor(async () => expect((await readdir(tmp)).length).toBe(1));
      await vi.waitFor(() => expect(hashed).toBeGreaterThanOrEqual(MiB)); // batches reached the disk and the worker: it is in use
      expect(drop).not.toHaveBeenCalled();
      socket.destroy();
      await vi.waitFor(async () => expect(await readdir(tmp)).toEqual([]));
      expect(drop).toHaveBeenCalledTimes(1); // the abandoned stream is forgotten on the worker
    } finally {
      update.mockRestore();
      drop.mockRestore();
    }
    expect(server.storage.getObject('big-abort.bin')).toBeUndefined();
    // The worker still serves the next upload with a correct ETag.
    const bytes = randomBytes(3 * MiB + 1);
    const ok = server.storage.presignPost({ key: 'after.bin', contentType: 'application/octet-stream', contentLength: bytes.length, ttlMs: 600_000 });
    const res = await postForm(ok.url, ok.fields, bytes);
    expect(res.status).toBe(204);
    expect(res.headers.etag).toBe(`"${md5(bytes)}"`);
    expect(server.storage.getObject('after.bin')).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
  });
});

it('closing the server stops the hash worker', async () => {
  const server = await startStorage();
  const bytes = randomBytes(2 * MiB);
  const post = server.storage.presignPost({ key: 'w.bin', contentType: 'application/octet-stream', contentLength: bytes.length, ttlMs: 600_000 });
  expect((await postForm(post.url, post.fields, bytes)).status).toBe(204);
  const terminate = vi.spyOn(Worker.prototype, 'terminate');
  try {
    await server.close();
    expect(terminate).toHaveBeenCalledTimes(1);
  } finally {
    terminate.mockRestore();
  }
});
