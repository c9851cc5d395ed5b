import { describe, expect, it } from 'vitest';
import { base64Encode, basicAuthHeader, encodeMultipart, parseEnvelope, toHttpRequest, createFileUploadHandle, utf8Encode } from '../src/protocol/index.ts';

describe('protocol', () => {
  it('encodes UTF-8 and Base64 like Node does', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'résumé — 履歴書 😀', '\ud800x']) {
      expect(Buffer.from(utf8Encode(s)).toString('utf8')).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      expect(base64Encode(utf8Encode(s))).toBe(Buffer.from(s, 'utf8').toString('base64'));
    }
  });

  it('builds Basic auth with the key as user name and an empty password', () => {
    expect(basicAuthHeader('k')).toBe(`Basic ${Buffer.from('k:').toString('base64')}`);
  });

  it('puts every field in order and the file last, named file', () => {
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    const { body, contentType } = encodeMultipart([['key', 'a/b'], ['Policy', 'p']], { filename: 'a "b"\r\n.pdf', contentType: 'application/pdf' }, bytes, 'BND');
    expect(contentType).toBe('multipart/form-data; boundary=BND');
    const text = Buffer.from(body).toString('latin1');
    expect(text.indexOf('name="key"')).toBeLessThan(text.indexOf('name="Policy"'));
    expect(text.indexOf('name="Policy"')).toBeLessThan(text.indexOf('name="file"'));
    expect(text).toContain('filename="a %22b%22%0D%0A.pdf"');
    expect(text.endsWith('\x00\x01\x02\xff\r\n--BND--\r\n')).toBe(true);
  });

  it('builds POST /<endpoint> JSON requests', () => {
    const r = toHttpRequest('http://h/', 'key', createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'a', contentType: 'b', contentLength: 1 }));
    expect(r.url).toBe('http://h/file.createFileUploadHandle');
    expect(JSON.parse(r.body)).toEqual({ fileUploadContext: 'CandidateFiles', filename: 'a', contentType: 'b', contentLength: 1 });
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('parses envelopes tolerantly, reading errorInfo first', () => {
    expect(parseEnvelope('{"success":false,"errors":["a"],"errorInfo":{"code":"b"}}')).toMatchObject({ kind: 'error', code: 'b' });
    expect(parseEnvelope('{"success":false,"errors":["a"]}')).toMatchObject({ kind: 'error', code: 'a' });
    expect(parseEnvelope('<html>')).toMatchObject({ kind: 'invalid' });
    expect(parseEnvelope('{"success":true,"results":{"x":1}}')).toMatchObject({ kind: 'success', results: { x: 1 } });
  });
});
