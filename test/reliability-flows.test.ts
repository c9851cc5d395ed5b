// Nothing lost under load: many concurrent full flows (handle → POST upload → candidate.uploadFile →
// file.info → download) with random sizes; every stored object's SHA-256 equals what was sent, every
// handle maps to its own object, counts match. The same under random-5xx: rejected steps store nothing
// and are reported as such. Bounded concurrency, 127.0.0.1 only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../src/mock/index.ts';
import { FULL_ACCESS } from './support/auth.ts';

const FLOWS = Number(process.env.RELIABILITY_FLOWS ?? 300);
const FAULT_FLOWS = Number(process.env.RELIABILITY_FAULT_FLOWS ?? 200);
const CONCURRENCY = 24;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) { const i = next++; out[i] = await fn(i); }
  }));
  return out;
}

type Outcome = { ok: true; key: string; sha: string; size: number; fileHandle: string } | { ok: false; step: string; status: number; key?: string };

async function flow(s: MockServer, candidateId: string, i: number): Promise<Outcome> {
  const size = i % 10 === 0 ? 0 : Math.floor(Math.random() * (i % 7 === 0 ? 512 * 1024 : 16 * 1024));
  const bytes = randomBytes(size);
  const api = async (endpoint: string, body: unknown) => {
    const res = await fetch(`${s.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const h = await api('file.createFileUploadHandle', { fileUploadContext: 'CandidateFiles', filename: `f${i}.bin`, contentType: 'application/octet-stream', contentLength: size });
  if (h.status !== 200 || !h.body.success) return { ok: false, step: 'handle', status: h.status };
  const { url, fields, handle } = h.body.results as { url: string; fields: Record<string, string>; handle: string };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([bytes]), `f${i}.bin`);
  const up = await fetch(url, { method: 'POST', body: form });
  await up.arrayBuffer();
  if (up.status >= 300) return { ok: false, step: 'upload', status: up.status, key: fields.key };
  const att = await api('candidate.uploadFile', { candidateId, fileHandle: handle });
  if (att.status !== 200 || !att.body.success) return { ok: false, step: 'attach', status: att.status, key: fields.key };
  const refs = att.body.results.fileHandles as { name: string; handle: string }[];
  const ref = refs.find((r) => r.name === `f${i}.bin`)!;
  const info = await api('file.info', { fileHandle: ref.handle });
  if (info.status !== 200 || !info.body.success) return { ok: false, step: 'info', status: info.status, key: fields.key };
  const dl = await fetch(info.body.results.url);
  const got = Buffer.from(await dl.arrayBuffer());
  if (dl.status !== 200) return { ok: false, step: 'download', status: dl.status, key: fields.key };
  expect(sha(got)).toBe(sha(bytes));
  return { ok: true, key: fields.key!, sha: sha(bytes), size, fileHandle: ref.handle };
}

let root: string;
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'uh-rel-')); });
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

async function candidate(s: MockServer): Promise<string> {
  const r = await fetch(`${s.baseUrl}/candidate.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: '{"name":"load"}' });
  return ((await r.json()) as any).results.id;
}

describe('reliability: concurrent full flows', () => {
  it(`${FLOWS} flows, no faults: every object intact and its own`, async () => {
    const s = await startMockServer({ storageDir: join(root, 'clean') });
    try {
      const cand = await candidate(s);
      const t0 = Date.now();
      const out = await pool(FLOWS, CONCURRENCY, (i) => flow(s, cand, i));
      const ok = out.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
      expect(ok.length).toBe(FLOWS);
      expect(new Set(ok.map((o) => o.key)).size).toBe(FLOWS);
      expect(new Set(ok.map((o) => o.fileHandle)).size).toBe(FLOWS);
      for (const o of ok) {
        const obj = s.storage.getObject(o.key)!;
        expect(obj.sha256).toBe(o.sha);
        expect(obj.size).toBe(o.size);
      }
      expect(s.storage.listObjects().length).toBe(FLOWS);
      expect((await readdir(join(root, 'clean', 'objects'))).length).toBe(FLOWS);
      expect(await readdir(join(root, 'clean', 'tmp'))).toEqual([]);
      console.log(`[reliability] ${FLOWS} clean flows in ${Date.now() - t0} ms, concurrency ${CONCURRENCY}`);
    } finally {
      await s.close();
    }
  }, 60_000);

  it(`${FAULT_FLOWS} flows under random-5xx=0.2: rejected uploads store nothing, successes intact`, async () => {
    const s = await startMockServer({ storageDir: join(root, 'faulty') });
    try {
      const cand = await candidate(s);
      s.setFaults(['random-5xx=0.2']);
      const out = await pool(FAULT_FLOWS, CONCURRENCY, (i) => flow(s, cand, i));
      s.setFaults([]);
      const ok = out.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
      const failed = out.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
      for (const f of failed) expect(f.status).toBe(503); // reported, and only as the injected fault
      const uploadRejected = failed.filter((f) => f.step === 'upload');
      for (const f of uploadRejected) expect(s.storage.getObject(f.key!)).toBeUndefined();
      for (const o of ok) expect(s.storage.getObject(o.key)!.sha256).toBe(o.sha);
      // Stored = uploads that got through (the flows that failed later still stored their bytes).
      const stored = out.filter((o) => o.ok || (o.step !== 'handle' && o.step !== 'upload')).length;
      expect(s.storage.listObjects().length).toBe(stored);
      expect(await readdir(join(root, 'faulty', 'tmp'))).toEqual([]);
      expect(failed.length).toBeGreaterThan(0);
      const byStep = failed.reduce<Record<string, number>>((m, f) => ({ ...m, [f.step]: (m[f.step] ?? 0) + 1 }), {});
      console.log(`[reliability] random-5xx=0.2: ${ok.length}/${FAULT_FLOWS} complete, 503s by step ${JSON.stringify(byStep)}, ${stored} objects stored`);
      const health = await fetch(`${s.baseUrl}/apiKey.info`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: FULL_ACCESS }, body: '{}' });
      expect(health.status).toBe(200);
    } finally {
      await s.close();
    }
  }, 60_000);
});
