// Soak runs keep their disk: the storage emulator keeps at most `storageMaxObjects`
// objects and `storageMaxBytes` bytes, evicting the oldest first with their index entry and their file;
// an evicted file answers as not found through file.info (file_not_found) and through a download URL
// handed out before the eviction (S3 404 NoSuchKey XML). Disk usage is read from the storage folder.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockOptionsFromArgs } from '../../src/cli/mock.ts';
import { UsageError } from '../../src/config/errors.ts';
import { STORAGE_CAPS, startMockServer, type MockServer } from '../../src/mock/index.ts';
import { basicAuthHeader } from '../../src/protocol/index.ts';

const AUTH = basicAuthHeader('mock-full-access');
const KiB = 1024;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'uh-caps-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function api(s: MockServer, endpoint: string, body: unknown) {
  const res = await fetch(`${s.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTH }, body: JSON.stringify(body) });
  return (await res.json()) as { success: boolean; results?: any; errorInfo?: { code: string } };
}

/** Handle + presigned POST; returns the object key and the upload handle. */
async function upload(s: MockServer, size: number, name = 'f.bin'): Promise<{ key: string; handle: string }> {
  const h = await api(s, 'file.createFileUploadHandle', { fileUploadContext: 'CandidateFiles', filename: name, contentType: 'application/octet-stream', contentLength: size });
  const { url, fields, handle } = h.results as { url: string; fields: Record<string, string>; handle: string };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([randomBytes(size)]), name);
  const res = await fetch(url, { method: 'POST', body: form });
  await res.arrayBuffer();
  expect(res.status).toBe(204);
  return { key: fields.key!, handle };
}

/** Upload, attach to the candidate, and return the stored file's handle. */
async function storedFile(s: MockServer, candidateId: string, size: number, name: string): Promise<string> {
  const { handle } = await upload(s, size, name);
  const att = await api(s, 'candidate.uploadFile', { candidateId, fileHandle: handle });
  return (att.results.fileHandles as { name: string; handle: string }[]).find((r) => r.name === name)!.handle;
}

async function disk(dir: string): Promise<{ files: number; bytes: number; tmp: number }> {
  const names = await readdir(join(dir, 'objects'));
  let bytes = 0;
  for (const n of names) bytes += (await stat(join(dir, 'objects', n))).size;
  return { files: names.length, bytes, tmp: (await readdir(join(dir, 'tmp'))).length };
}

describe('storage caps', () => {
  it('keeps at most storageMaxObjects, evicting the oldest with their files; evicted files answer not found', async () => {
    const dir = join(root, 'count');
    const s = await startMockServer({ storageDir: dir, storageMaxObjects: 20 });
    try {
      const candidateId = (await api(s, 'candidate.create', { name: 'caps' })).results.id as string;
      const early = [await storedFile(s, candidateId, 1 * KiB, 'a.bin'), await storedFile(s, candidateId, 1 * KiB, 'b.bin')];
      const earlyUrl = (await api(s, 'file.info', { fileHandle: early[0] })).results.url as string;
      expect((await fetch(earlyUrl)).status).toBe(200);
      const later: string[] = [];
      for (let i = 0; i < 40; i++) later.push((await upload(s, 2 * KiB, `n${i}.bin`)).key);
      const last = await storedFile(s, candidateId, 3 * KiB, 'z.bin');

      // Index and disk hold exactly the 20 newest, oldest first; nothing half-written is left.
      expect(s.storage.listObjects().map((o) => o.key)).toEqual([...later.slice(-19), s.storage.listObjects().at(-1)!.key]);
      expect(s.storage.usage()).toEqual({ objects: 20, bytes: 19 * 2 * KiB + 3 * KiB, evicted: 23 });
      expect(await disk(dir)).toEqual({ files: 20, bytes: 19 * 2 * KiB + 3 * KiB, tmp: 0 });
      for (const key of later.slice(0, 21)) expect(s.storage.getObject(key)).toBeUndefined();

      // Evicted: file.info answers file_not_found; an earlier download URL answers S3 NoSuchKey.
      for (const fileHandle of early) {
        const info = await api(s, 'file.info', { fileHandle });
        expect(info.success).toBe(false);
        expect(info.errorInfo!.code).toBe('file_not_found');
      }
      const gone = await fetch(earlyUrl);
      expect(gone.status).toBe(404);
      expect(gone.headers.get('content-type')).toContain('application/xml');
      expect(await gone.text()).toMatch(/<Error><Code>NoSuchKey<\/Code>/);

      // The newest is still served.
      const info = await api(s, 'file.info', { fileHandle: last });
      expect(info.success).toBe(true);
      const dl = await fetch(info.results.url as string);
      expect(dl.status).toBe(200);
      expect((await dl.arrayBuffer()).byteLength).toBe(3 * KiB);
    } finally {
      await s.close();
    }
  });

  it('keeps at most storageMaxBytes; an object larger than the cap alone is kept until a newer one comes', async () => {
    const dir = join(root, 'bytes');
    const s = await startMockServer({ storageDir: dir, storageMaxBytes: 100 * KiB });
    try {
      for (let i = 0; i < 25; i++) await upload(s, 10 * KiB);
      expect(await disk(dir)).toEqual({ files: 10, bytes: 100 * KiB, tmp: 0 });
      expect(s.storage.usage()).toMatchObject({ objects: 10, bytes: 100 * KiB, evicted: 15 });

      const big = await upload(s, 150 * KiB);
      expect(await disk(dir)).toEqual({ files: 1, bytes: 150 * KiB, tmp: 0 });
      expect(s.storage.getObject(big.key)?.size).toBe(150 * KiB);

      const next = await upload(s, 1 * KiB);
      expect(s.storage.listObjects().map((o) => o.key)).toEqual([next.key]);
      expect(await disk(dir)).toEqual({ files: 1, bytes: 1 * KiB, tmp: 0 });
    } finally {
      await s.close();
    }
  });

  it('defaults to 10,000 objects and 2 GiB, and refuses a cap below 1', async () => {
    expect(STORAGE_CAPS).toEqual({ maxObjects: 10_000, maxBytes: 2 * 1024 ** 3 });
    await expect(startMockServer({ storageDir: join(root, 'bad'), storageMaxObjects: 0 })).rejects.toThrow(/maxObjects must be a whole number/);
  });
});

describe('upload-harness mock --storage-max-objects / --storage-max-bytes', () => {
  it('parses a count and a size into the server options', () => {
    const { options } = mockOptionsFromArgs(['--storage-max-objects', '500', '--storage-max-bytes', '512MiB']);
    expect(options).toMatchObject({ storageMaxObjects: 500, storageMaxBytes: 512 * 1024 * 1024 });
    expect(mockOptionsFromArgs(['--storage-max-bytes', '2GiB']).options.storageMaxBytes).toBe(2 * 1024 ** 3);
    expect(mockOptionsFromArgs([]).options).not.toHaveProperty('storageMaxObjects');
  });

  it('refuses bad values with a usage error', () => {
    for (const argv of [['--storage-max-objects', '0'], ['--storage-max-objects', 'many'], ['--storage-max-bytes', 'lots'], ['--storage-max-bytes', '0']]) {
      expect(() => mockOptionsFromArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});
