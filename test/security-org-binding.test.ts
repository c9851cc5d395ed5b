// Who gets in: upload handles, stored-file handles and presigned download URLs are bound to their
// organisation; another org's key is refused and never sees the object; download URLs expire and
// cannot be widened (expiry, key, bucket) by editing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/index.ts';
import { authHeader } from './support/auth.ts';

let s: MockServer;
beforeAll(async () => { s = await startMockServer(); });
afterAll(async () => { await s.close(); });

async function call(endpoint: string, body: unknown, key = 'mock-full-access') {
  const res = await fetch(`${s.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeader(key) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function uploadHandle(bytes: Buffer, key = 'mock-full-access') {
  const r = await call('file.createFileUploadHandle', { fileUploadContext: 'CandidateFiles', filename: 'secret.pdf', contentType: 'application/pdf', contentLength: bytes.length }, key);
  expect(r.body.success).toBe(true);
  const h = r.body.results as { handle: string; url: string; fields: Record<string, string> };
  const form = new FormData();
  for (const [k, v] of Object.entries(h.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'secret.pdf');
  expect((await fetch(h.url, { method: 'POST', body: form })).status).toBeLessThan(300);
  return h;
}

const SECRET = Buffer.from('org A confidential bytes');
let candA: string;
let candB: string;
let storedHandle: string;
let downloadUrl: string;

describe('org binding', () => {
  beforeAll(async () => {
    candA = (await call('candidate.create', { name: 'A' })).body.results.id;
    candB = (await call('candidate.create', { name: 'B' }, 'mock-other-org')).body.results.id;
    const h = await uploadHandle(SECRET);
    const attached = await call('candidate.uploadFile', { candidateId: candA, fileHandle: h.handle });
    expect(attached.body.success).toBe(true);
    storedHandle = attached.body.results.fileHandles[0].handle;
    const info = await call('file.info', { fileHandle: storedHandle });
    downloadUrl = info.body.results.url;
  });

  it("another org cannot consume org A's upload handle, even for its own candidate", async () => {
    const h = await uploadHandle(Buffer.from('x'));
    const r = await call('candidate.uploadFile', { candidateId: candB, fileHandle: h.handle }, 'mock-other-org');
    expect(r.body.success).toBe(false);
    expect(JSON.stringify(r.body)).not.toContain(h.fields.key!);
    // ...and the handle is still usable by its owner afterwards.
    expect((await call('candidate.uploadFile', { candidateId: candA, fileHandle: h.handle })).body.success).toBe(true);
  });

  it("another org cannot attach to org A's candidate", async () => {
    const h = await uploadHandle(Buffer.from('y'), 'mock-other-org');
    const r = await call('candidate.uploadFile', { candidateId: candA, fileHandle: h.handle }, 'mock-other-org');
    expect(r.body.success).toBe(false);
  });

  it("file.info with another org's key: refused, no URL", async () => {
    const r = await call('file.info', { fileHandle: storedHandle }, 'mock-other-org');
    expect(r.body.success).toBe(false);
    expect(JSON.stringify(r.body)).not.toMatch(/sig=|http/);
  });

  it('the download URL returns the bytes; any edit is refused without the object', async () => {
    const ok = await fetch(downloadUrl);
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(SECRET);
    const u = new URL(downloadUrl);
    const expires = Number(u.searchParams.get('expires'));
    const edits: string[] = [];
    const widened = new URL(u); widened.searchParams.set('expires', String(expires + 86_400_000)); edits.push(widened.href);
    const otherKey = new URL(u); otherKey.pathname = `${u.pathname}x`; edits.push(otherKey.href);
    const noSig = new URL(u); noSig.searchParams.delete('sig'); edits.push(noSig.href);
    const badSig = new URL(u); badSig.searchParams.set('sig', '0'.repeat(64)); edits.push(badSig.href);
    const upper = new URL(u); upper.searchParams.set('sig', u.searchParams.get('sig')!.toUpperCase()); if (upper.href !== u.href) edits.push(upper.href);
    for (const href of edits) {
      const r = await fetch(href);
      const text = await r.text();
      expect(r.status, href).toBe(403);
      expect(text).not.toContain(SECRET.toString());
      expect(text).toMatch(/<Error><Code>/);
    }
  });

  it('the download URL expires', async () => {
    s.clock.advance(11 * 60_000);
    try {
      const r = await fetch(downloadUrl);
      expect(r.status).toBe(403);
      expect(await r.text()).not.toContain(SECRET.toString());
    } finally {
      s.clock.reset();
    }
  });
});
