// presignPost is byte-identical to @aws-sdk/s3-presigned-post, and the SigV4 chain matches AWS's vectors.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deriveSigningKey, FixedKeyHmac, signString } from '../../src/mock/storage/sigv4.ts';
import { get, postForm, sdkPost, startStorage, type StorageServer } from './storage-fixture.ts';

let server: StorageServer;
beforeAll(async () => {
  server = await startStorage();
});
afterAll(async () => server.close());
afterEach(() => vi.useRealTimers());

describe('presignPost', () => {
  const cases = [
    { key: 'uploads/abc/resume.pdf', contentType: 'application/pdf', contentLength: 12345, ttlMs: 600_000, at: '2026-11-29T02:03:04.567Z' },
    { key: 'ü/ключ "quoted" \\ back', contentType: 'text/plain; charset=utf-8', contentLength: 0, ttlMs: 1_500, at: '2026-12-31T23:59:59.999Z' },
    { key: 'float-ttl', contentType: 'application/octet-stream', contentLength: 1, ttlMs: 1_001, at: '2026-11-29T02:00:00.999Z' },
    { key: 'prefix/${filename}', contentType: 'image/png', contentLength: 9_007_199_254_740_991, ttlMs: 3_600_000, at: '2030-01-01T00:00:00.000Z' },
  ];
  for (const c of cases) {
    it(`matches createPresignedPost byte for byte (${c.key})`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(c.at));
      server.clock.reset();
      const ours = server.storage.presignPost(c);
      const sdk = await sdkPost(server, {
        Key: c.key,
        Conditions: [['content-length-range', c.contentLength, c.contentLength]],
        Fields: { 'Content-Type': c.contentType },
        Expires: c.ttlMs / 1000,
      });
      expect(ours.url).toBe(sdk.url);
      expect(Object.keys(ours.fields)).toEqual(Object.keys(sdk.fields));
      expect(ours.fields).toEqual(sdk.fields);
      expect(ours.fields.Policy).toBe(sdk.fields.Policy);
      expect(ours.fields['X-Amz-Signature']).toBe(sdk.fields['X-Amz-Signature']);
    });
  }

  it('pins key, Content-Type and the exact length, expiring ttlMs after the clock', () => {
    server.clock.reset();
    server.clock.advance(86_400_000); // the emulator's clock, not the wall clock, decides
    const now = server.clock.now();
    const { fields } = server.storage.presignPost({ key: 'k/1', contentType: 'text/csv', contentLength: 7, ttlMs: 600_000 });
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['content-length-range', 7, 7]);
    expect(policy.conditions).toContainEqual({ key: 'k/1' });
    expect(policy.conditions).toContainEqual({ 'Content-Type': 'text/csv' });
    expect(Date.parse(policy.expiration)).toBe(Math.floor((now + 600_000) / 1000) * 1000);
    server.clock.reset();
  });
});

describe('SigV4 signing key chain', () => {
  it('reproduces the AWS POST example (sigv4-post-example) signing key and a signature', () => {
    // AWS General Reference example key derivation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
    // 20120215/us-east-1/iam → f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d.
    expect(deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('signs the sigv4-post-example policy to 8afdbf40…', () => {
    const json = [
      '{ "expiration": "2015-12-30T12:00:00.000Z",',
      '  "conditions": [',
      '    {"bucket": "sigv4examplebucket"},',
      '    ["starts-with", "$key", "user/user1/"],',
      '    {"acl": "public-read"},',
      '    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},',
      '    ["starts-with", "$Content-Type", "image/"],',
      '    {"x-amz-meta-uuid": "14365123651274"},',
      '    {"x-amz-server-side-encryption": "AES256"},',
      '    ["starts-with", "$x-amz-meta-tag", ""],',
      '',
      '    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},',
      '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},',
      '    {"x-amz-date": "20151229T000000Z" }',
      '  ]',
      '}',
    ].join('\r\n');
    const policy = Buffer.from(json, 'utf8').toString('base64');
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20151229', 'us-east-1', 's3');
    // The reconstruction is checked against the published start/end of the 864-char Base64 first.
    expect(policy.startsWith('eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0K')).toBe(true);
    expect(policy.length).toBe(864);
    expect(policy.endsWith('IgfQ0KICBdDQp9')).toBe(true);
    expect(signString(key, policy)).toBe('8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e');
    // The presigner's fixed-key HMAC (two one-shot SHA-256 passes) gives the same signature.
    expect(new FixedKeyHmac(key).hex(policy)).toBe('8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e');
  });

  it('the fixed-key HMAC equals createHmac for any key length and message (reused buffers, growth, UTF-8)', () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Buffer.from(Array.from({ length: keyLength }, (_, i) => (i * 37 + keyLength) & 255));
      const hmac = new FixedKeyHmac(key);
      for (const message of ['', 'a', 'x'.repeat(1023), 'y'.repeat(5000), 'ünïcødé ✓', 'short again']) {
        expect(hmac.hex(message)).toBe(createHmac('sha256', key).update(message, 'utf8').digest('hex'));
      }
    }
  });
});

describe('happy path', () => {
  it('presign → upload → getObject → presignGet → download', async () => {
    server.clock.reset();
    const bytes = Buffer.from('hello, storage\n');
    const { url, fields } = server.storage.presignPost({ key: 'a/b.txt', contentType: 'text/plain', contentLength: bytes.length, ttlMs: 600_000 });
    const res = await postForm(url, fields, bytes, { filename: 'b.txt', contentType: 'text/plain' });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    const object = server.storage.getObject('a/b.txt');
    expect(object).toMatchObject({ key: 'a/b.txt', size: bytes.length, contentType: 'text/plain' });
    expect(res.headers.etag).toBe(`"${object!.md5}"`);
    expect(res.headers.location).toBe(`${server.bucketUrl}/a/b.txt`);
    const download = await get(server.storage.presignGet('a/b.txt', 60_000));
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('text/plain');
    expect(download.bytes.equals(bytes)).toBe(true);
  });
});

describe('Fastify integration', () => {
  it("leaves the parent instance's JSON parser and dotted API routes untouched", async () => {
    const { default: Fastify } = await import('fastify');
    const { createStorage } = await import('../../src/mock/storage/index.ts');
    const app = Fastify({ forceCloseConnections: true });
    app.post('/file.info', async (request) => ({ echoed: request.body }));
    const storage = createStorage({ rootDir: server.rootDir, credentials: server.credentials, clock: server.clock, faults: () => new Map(), baseUrl: () => '' });
    await storage.register(app);
    const api = await app.inject({ method: 'POST', url: '/file.info', payload: { a: 1 } });
    expect(api.json()).toEqual({ echoed: { a: 1 } });
    const upload = await app.inject({ method: 'POST', url: `/${server.credentials.bucket}`, payload: { a: 1 } });
    expect(upload.statusCode).toBe(412);
    await app.close();
  });
});
