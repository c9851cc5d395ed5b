// Soak runs keep their disk, at test scale: 2,000 uploads (concurrency 16) through a mock
// capped at 300 objects and 1 MiB. After every 250 uploads the storage folder holds at most the cap (in
// files and bytes), no temp file, and exactly what the index says; the index never exceeds the cap.
// The 20,000-upload disk and RSS figures are a bench row (bench/benches.ts, `soak`). RSS is logged
// here, never asserted (a shared machine's memory figures are not stable enough for a unit test).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../src/mock/index.ts';
import { basicAuthHeader, encodeMultipart } from '../src/protocol/index.ts';

const UPLOADS = Number(process.env.RELIABILITY_CAP_UPLOADS ?? 2_000);
const CHECK_EVERY = 250;
const CONCURRENCY = 16;
const MAX_OBJECTS = 300;
const MAX_BYTES = 1024 * 1024;
const AUTH = basicAuthHeader('mock-full-access');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'uh-rel-caps-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function diskUsage(dir: string): Promise<{ files: number; bytes: number; tmp: number }> {
  const names = await readdir(join(dir, 'objects'));
  let bytes = 0;
  for (const n of names) bytes += (await stat(join(dir, 'objects', n))).size;
  return { files: names.length, bytes, tmp: (await readdir(join(dir, 'tmp'))).length };
}

describe('reliability: storage caps over many uploads', () => {
  it(`${UPLOADS} uploads: disk and index stay within ${MAX_OBJECTS} objects / 1 MiB`, async () => {
    const dir = join(root, 'soak');
    const s = await startMockServer({ storageDir: dir, storageMaxObjects: MAX_OBJECTS, storageMaxBytes: MAX_BYTES });
    // undici's request and src/protocol's encoder rather than fetch and FormData: the subject is the mock's
    // storage, and this client costs it about half the CPU for the same 2,000 uploads.
    const one = async (i: number): Promise<void> => {
      const size = (i * 997) % (8 * 1024); // 0 … 8 KiB, deterministic
      const h = await request(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTH }, body: JSON.stringify({ fileUploadContext: 'CandidateFiles', filename: `s${i}.bin`, contentType: 'application/octet-stream', contentLength: size }) });
      const { url, fields } = ((await h.body.json()) as { results: { url: string; fields: Record<string, string> } }).results;
      const form = encodeMultipart(fields, { filename: `s${i}.bin`, contentType: 'application/octet-stream' }, randomBytes(size));
      const res = await request(url, { method: 'POST', headers: { 'content-type': form.contentType }, body: form.body });
      await res.body.dump();
      expect(res.statusCode).toBe(204);
    };
    try {
      const samples: string[] = [];
      for (let done = 0; done < UPLOADS; ) {
        const batch = Math.min(CHECK_EVERY, UPLOADS - done);
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch) await one(done + next++);
        }));
        done += batch;
        const usage = s.storage.usage();
        const onDisk = await diskUsage(dir);
        expect(usage.objects).toBeLessThanOrEqual(MAX_OBJECTS);
        expect(usage.bytes).toBeLessThanOrEqual(MAX_BYTES);
        expect(onDisk).toEqual({ files: usage.objects, bytes: usage.bytes, tmp: 0 });
        expect(usage.objects + usage.evicted).toBe(done);
        samples.push(`${done}: ${onDisk.files} files ${(onDisk.bytes / 1024).toFixed(0)} KiB rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
      }
      expect(s.storage.usage().evicted).toBeGreaterThan(UPLOADS / 2);
      console.log(`[reliability] storage caps: ${samples.join(' | ')}`);
    } finally {
      await s.close();
    }
  }, 120_000);
});
