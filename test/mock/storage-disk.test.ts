// Disk behaviour (streaming, atomic commit, nothing stored on failure, keys never become paths),
// presigned downloads, and the storage fault modes.
import { connect } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeMultipart } from '../../src/protocol/multipart.ts';
import { filesUnder, get, parseError, postForm, send, startStorage, type StorageServer } from './storage-fixture.ts';

let server: StorageServer;
beforeAll(async () => {
  server = await startStorage();
});
afterAll(async () => server.close());
beforeEach(() => {
  server.clock.reset();
  server.faults.clear();
});

function presign(key: string, bytes: Uint8Array | string, contentType = 'application/octet-stream') {
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  return server.storage.presignPost({ key, contentType, contentLength: length, ttlMs: 600_000 });
}

async function tempFiles(): Promise<string[]> {
  return readdir(join(server.rootDir, 'tmp'));
}

describe('storing', () => {
  it('stores a 0-byte file and a multi-MiB file with correct hashes, streamed back exactly', async () => {
    const empty = presign('empty.bin', '');
    expect((await postForm(empty.url, empty.fields, '')).status).toBe(204);
    expect(server.storage.getObject('empty.bin')).toMatchObject({ size: 0, md5: createHash('md5').update('').digest('hex') });
    expect((await get(server.storage.presignGet('empty.bin', 1000))).bytes.length).toBe(0);

    const big = randomBytes(6 * 1024 * 1024 + 123);
    const post = presign('big.bin', big);
    const res = await postForm(post.url, post.fields, big);
    expect(res.status).toBe(204);
    const object = server.storage.getObject('big.bin')!;
    expect(object.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(res.headers.etag).toBe(`"${createHash('md5').update(big).digest('hex')}"`);
    const download = await get(server.storage.presignGet('big.bin', 1000));
    expect(download.bytes.equals(big)).toBe(true);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-length']).toBe(String(big.length));
    expect(await tempFiles()).toEqual([]);
  });

  it('SHA-256 is read back from the stored bytes on first access (not on the upload path), and kept', async () => {
    const v1 = randomBytes(3 * 1024 * 1024 + 7);
    const p1 = presign('lazy-sha.bin', v1);
    expect((await postForm(p1.url, p1.fields, v1)).status).toBe(204);
    const first = server.storage.getObject('lazy-sha.bin')!;
    expect(first.sha256).toBe(createHash('sha256').update(v1).digest('hex'));
    expect(JSON.parse(JSON.stringify(first)).sha256).toBe(first.sha256); // serialised like a plain field
    // A new version replaces the file: the old object keeps the digest it already produced, the new
    // one reads its own bytes; an old version never read before it was replaced cannot answer any more.
    const v2 = randomBytes(1000);
    const p2 = presign('lazy-sha.bin', v2);
    expect((await postForm(p2.url, p2.fields, v2)).status).toBe(204);
    const second = server.storage.getObject('lazy-sha.bin')!;
    const p3 = presign('lazy-sha.bin', 'v3');
    expect((await postForm(p3.url, p3.fields, 'v3')).status).toBe(204);
    expect(first.sha256).toBe(createHash('sha256').update(v1).digest('hex'));
    expect(() => second.sha256).toThrow(/no longer available/);
    expect(server.storage.getObject('lazy-sha.bin')!.sha256).toBe(createHash('sha256').update('v3').digest('hex'));
  });

  it('never stores a rejected upload and keeps the previous object intact', async () => {
    const v1 = presign('same-key.txt', 'version one', 'text/plain');
    expect((await postForm(v1.url, v1.fields, 'version one')).status).toBe(204);
    const before = server.storage.getObject('same-key.txt');
    const filesBefore = await filesUnder(server.rootDir);
    // Same key, policy for 11 bytes, 12 sent (too large); then a too-small one; then an expired one.
    const v2 = presign('same-key.txt', 'version one', 'text/plain');
    expect((await postForm(v2.url, v2.fields, 'version two!')).status).toBe(400);
    expect((await postForm(v2.url, v2.fields, 'short')).status).toBe(400);
    server.clock.advance(700_000);
    expect((await postForm(v2.url, v2.fields, 'version 2!!')).status).toBe(403);
    expect(server.storage.getObject('same-key.txt')).toEqual(before);
    expect(await filesUnder(server.rootDir)).toEqual(filesBefore);
    server.clock.reset();
    expect((await get(server.storage.presignGet('same-key.txt', 1000))).body).toBe('version one');
  });

  it('cuts an over-size upload off while streaming and stores nothing', async () => {
    const post = presign('too-big.bin', 'x'.repeat(1024));
    const big = randomBytes(8 * 1024 * 1024);
    let status: number | undefined;
    let error: Record<string, string> | undefined;
    try {
      const res = await postForm(post.url, post.fields, big);
      status = res.status;
      error = parseError(res.body);
    } catch {
      status = undefined; // the server may close the connection before the client finished sending
    }
    if (status !== undefined) {
      expect(status).toBe(400);
      expect(error).toMatchObject({ Code: 'EntityTooLarge', ProposedSize: String(big.length), MaxSizeAllowed: '1024' });
    }
    expect(server.storage.getObject('too-big.bin')).toBeUndefined();
    await vi.waitFor(async () => expect(await tempFiles()).toEqual([]));
  });

  it('maps any key to a file inside rootDir (traversal, absolute paths, NUL, CRLF)', async () => {
    const keys = ['../../../../tmp/escape.txt', '/etc/passwd', 'a\u0000b', 'line\r\nbreak', '..', 'dir/../../x', 'C:\\Windows\\x'];
    for (const key of keys) {
      const post = presign(key, key);
      expect((await postForm(post.url, post.fields, key)).status, JSON.stringify(key)).toBe(204);
      const download = await get(server.storage.presignGet(key, 1000));
      expect(download.body).toBe(key);
    }
    for (const file of await filesUnder(server.rootDir)) {
      expect(relative(server.rootDir, file)).toMatch(/^objects\/[0-9a-f]{64}-[0-9a-f]{12}$/);
    }
    expect(server.storage.listObjects().map((o) => o.key)).toEqual(expect.arrayContaining(keys));
  });

  it('survives a client abort mid-upload without leaking the temp file', async () => {
    const post = presign('aborted.bin', 'x'.repeat(1_000_000));
    const form = encodeMultipart(post.fields, { filename: 'a', contentType: 'application/octet-stream' }, new Uint8Array(1_000_000));
    const { hostname, port } = new URL(server.baseUrl);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.write(`POST /${server.credentials.bucket} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`);
    socket.write(form.body.subarray(0, 300_000));
    await vi.waitFor(async () => expect((await tempFiles()).length).toBe(1));
    socket.destroy();
    await vi.waitFor(async () => expect(await tempFiles()).toEqual([]));
    expect(server.storage.getObject('aborted.bin')).toBeUndefined();
    // The server still works.
    const ok = presign('after-abort.txt', 'fine');
    expect((await postForm(ok.url, ok.fields, 'fine')).status).toBe(204);
  });

  it('accepts Expect: 100-continue', async () => {
    const post = presign('continue.txt', 'abc');
    const form = encodeMultipart(post.fields, { filename: 'a', contentType: 'text/plain' }, new TextEncoder().encode('abc'));
    const { hostname, port } = new URL(server.baseUrl);
    const socket = connect(Number(port), hostname);
    let received = '';
    const sawContinue = new Promise<void>((resolve) => {
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (received.includes('100 Continue')) resolve();
      });
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`POST /${server.credentials.bucket} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`);
    await sawContinue; // the body is only sent once the server asked for it
    socket.write(form.body);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 204 /);
    expect(server.storage.getObject('continue.txt')?.size).toBe(3);
  });
});

describe('presigned download', () => {
  it('refuses expired, re-targeted, widened or unsigned URLs', async () => {
    const post = presign('dl.txt', 'secret bytes', 'text/plain');
    expect((await postForm(post.url, post.fields, 'secret bytes')).status).toBe(204);
    const url = new URL(server.storage.presignGet('dl.txt', 60_000));
    expect((await get(url.href)).body).toBe('secret bytes');

    const otherKey = new URL(url.href);
    otherKey.pathname = otherKey.pathname.replace('dl.txt', 'same-key.txt');
    expect(parseError((await get(otherKey.href)).body).Code).toBe('SignatureDoesNotMatch');
    const wider = new URL(url.href);
    wider.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3_600_000));
    const widened = await get(wider.href);
    expect([widened.status, parseError(widened.body).Code]).toEqual([403, 'SignatureDoesNotMatch']);
    const unsigned = await get(`${url.origin}${url.pathname}`);
    expect([unsigned.status, parseError(unsigned.body).Code]).toEqual([403, 'AccessDenied']);
    const traversal = await get(`${url.origin}/${server.credentials.bucket}/..%2F..%2Fetc%2Fpasswd?expires=${url.searchParams.get('expires')}&sig=${url.searchParams.get('sig')}`);
    expect(traversal.status).toBe(403);

    server.clock.advance(60_001);
    const expired = await get(url.href);
    expect(expired.status).toBe(403);
    expect(parseError(expired.body)).toMatchObject({ Code: 'AccessDenied', Message: 'Request has expired' });
  });

  it('answers NoSuchKey for a validly signed URL to a missing object', async () => {
    const res = await get(server.storage.presignGet('never-uploaded', 1000));
    expect([res.status, parseError(res.body).Code]).toEqual([404, 'NoSuchKey']);
  });
});

describe('storage faults break exactly one rule', () => {
  it('no-expiry-check accepts an expired policy (other checks stay)', async () => {
    const post = presign('f-exp.txt', 'abc');
    server.clock.advance(601_000);
    expect((await postForm(post.url, post.fields, 'abc')).status).toBe(403);
    server.faults.set('no-expiry-check', 1);
    expect((await postForm(post.url, post.fields, 'abcd')).status).toBe(400); // size still checked
    expect((await postForm(post.url, post.fields, 'abc')).status).toBe(204);
  });

  it('no-size-check accepts a file outside the range (signature still checked)', async () => {
    const post = presign('f-size.txt', 'abc');
    expect((await postForm(post.url, post.fields, 'abcdef')).status).toBe(400);
    server.faults.set('no-size-check', 1);
    expect((await postForm(post.url, { ...post.fields, 'X-Amz-Signature': '0'.repeat(64) }, 'abcdef')).status).toBe(403);
    expect((await postForm(post.url, post.fields, 'abcdef')).status).toBe(204);
    expect(server.storage.getObject('f-size.txt')?.size).toBe(6);
  });

  it('file-not-last-accepted takes a key sent after the file into account', async () => {
    const post = presign('f-order.txt', 'abc');
    const { key, ...rest } = post.fields;
    const form = encodeMultipart(rest, { filename: 'a', contentType: 'application/octet-stream' }, new TextEncoder().encode('abc'), 'B');
    const body = Buffer.from(Buffer.from(form.body).toString('latin1').replace('--B--\r\n', `--B\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n--B--\r\n`), 'latin1');
    expect((await send(post.url, body, form.contentType)).status).toBe(400);
    server.faults.set('file-not-last-accepted', 1);
    expect((await send(post.url, body, form.contentType)).status).toBe(204);
    expect(server.storage.getObject('f-order.txt')?.size).toBe(3);
  });

  it('no-signature-check accepts a wrong signature (policy rules still apply)', async () => {
    const post = presign('f-sig.txt', 'abc');
    const forged = { ...post.fields, 'X-Amz-Signature': 'f'.repeat(64) };
    expect((await postForm(post.url, forged, 'abc')).status).toBe(403);
    server.faults.set('no-signature-check', 1);
    expect((await postForm(post.url, forged, 'abcd')).status).toBe(400);
    expect((await postForm(post.url, forged, 'abc')).status).toBe(204);
  });
});
