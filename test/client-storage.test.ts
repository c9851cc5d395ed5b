// The storage client: every field in order and the file last; streaming from disk with a known
// Content-Length; fields after the file on request; downloads hashed; secrets never recorded.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageClient } from '../src/client/index.ts';

interface Received {
  parts: Array<{ name: string; value?: string; size?: number; sha256?: string }>;
  contentLength?: string;
}
let server: Server;
let base = '';
let last: Received;
const stored = new Uint8Array([1, 2, 3, 250]);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET') return void res.writeHead(200).end(stored);
    last = { parts: [], contentLength: req.headers['content-length'] };
    const bb = busboy({ headers: req.headers });
    bb.on('field', (name, value) => last.parts.push({ name, value }));
    bb.on('file', (name, stream) => {
      const hash = createHash('sha256');
      const part: Received['parts'][number] = { name, size: 0 };
      last.parts.push(part); // in arrival order, completed when the stream ends
      stream.on('data', (d: Buffer) => ((part.size! += d.length), hash.update(d)));
      stream.on('end', () => (part.sha256 = hash.digest('hex')));
    });
    bb.on('close', () => res.writeHead(204).end());
    req.pipe(bb);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fields: Array<[string, string]> = [['key', 'uploads/a b.pdf'], ['Content-Type', 'application/pdf'], ['Policy', 'c2VjcmV0LXBvbGljeQ=='], ['X-Amz-Signature', 'deadbeefcafebabe']];

describe('StorageClient', () => {
  it('sends every field in order with the file last, and records no secret', async () => {
    const c = new StorageClient();
    const res = await c.upload({ url: `${base}/bucket?X-Amz-Signature=abc`, fields, filename: 'résumé 1.pdf', contentType: 'application/pdf', file: { bytes: new Uint8Array([9, 8, 7]) } });
    expect(res.status).toBe(204);
    expect(last.parts.map((p) => p.name)).toEqual(['key', 'Content-Type', 'Policy', 'X-Amz-Signature', 'file']);
    const dump = JSON.stringify(c.recorder.exchanges);
    for (const secret of ['c2VjcmV0LXBvbGljeQ==', 'deadbeefcafebabe', 'X-Amz-Signature=abc']) expect(dump).not.toContain(secret);
    expect(c.recorder.exchanges[0]!.curl).toContain("-F 'file=@résumé 1.pdf'");
  });

  it('streams a file from disk with an exact Content-Length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uh-test-'));
    try {
      const bytes = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => i % 251);
      await writeFile(join(dir, 'big.bin'), bytes);
      const res = await new StorageClient().upload({ url: `${base}/bucket`, fields, filename: 'big.bin', contentType: 'application/octet-stream', file: { path: join(dir, 'big.bin') } });
      expect(res.status).toBe(204);
      const file = last.parts.find((p) => p.name === 'file')!;
      expect(file.size).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(Number(last.contentLength)).toBeGreaterThan(bytes.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('can place fields after the file (to prove storage ignores them)', async () => {
    await new StorageClient().upload({ url: `${base}/bucket`, fields: fields.slice(1), fieldsAfterFile: [['key', 'k']], filename: 'f', contentType: 'text/plain', file: { bytes: new Uint8Array([1]) } });
    expect(last.parts.map((p) => p.name)).toEqual(['Content-Type', 'Policy', 'X-Amz-Signature', 'file', 'key']);
  });

  it('redacts secrets that appear URL-encoded in a raw body', async () => {
    const c = new StorageClient();
    c.secrets.add('c2VjcmV0LXBvbGljeQ==');
    await c.postRaw(`${base}/bucket`, `Policy=${encodeURIComponent('c2VjcmV0LXBvbGljeQ==')}&file=x`, 'application/x-www-form-urlencoded');
    expect(JSON.stringify(c.recorder.exchanges)).not.toContain('c2VjcmV0LXBvbGljeQ');
  });

  it('downloads and hashes, with the presigned query redacted in the record', async () => {
    const c = new StorageClient();
    const got = await c.download(`${base}/obj?X-Amz-Signature=topsecret&X-Amz-Credential=AKIA`);
    expect(got.sha256).toBe(createHash('sha256').update(stored).digest('hex'));
    expect(JSON.stringify(c.recorder.exchanges)).not.toContain('topsecret');
  });
});
