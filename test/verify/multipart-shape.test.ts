// The streaming multipart structure reader: same shape whatever the chunking, file bytes counted,
// secrets fingerprinted, malformed bodies named.
import { describe, expect, it } from 'vitest';
import { boundaryOf, fingerprint, MultipartShapeReader } from '../../src/verify/multipart-shape.ts';

const B = 'XyZ123boundary';
function body(parts: string[], close = true): Buffer {
  return Buffer.from(parts.map((p) => `--${B}\r\n${p}\r\n`).join('') + (close ? `--${B}--\r\n` : ''), 'latin1');
}
const FORM = body([
  'Content-Disposition: form-data; name="key"\r\n\r\nuploads/a/b/cv.pdf',
  'Content-Disposition: form-data; name="Policy"\r\n\r\nc2VjcmV0',
  `Content-Disposition: form-data; name="file"; filename="cv.pdf"\r\nContent-Type: application/pdf\r\n\r\n${'%PDF-1.4 \r\n--Xy'.repeat(50)}`,
]);

function read(buf: Buffer, chunk: number) {
  const r = new MultipartShapeReader(B);
  for (let i = 0; i < buf.length; i += chunk) r.write(buf.subarray(i, i + chunk));
  return r.end();
}

describe('MultipartShapeReader', () => {
  it('gives the same shape for every chunk size', () => {
    const whole = read(FORM, FORM.length);
    expect(whole.wellFormed).toBe(true);
    expect(whole.parts.map((p) => p.name)).toEqual(['key', 'Policy', 'file']);
    expect(whole.parts[0]!.value).toBe('uploads/a/b/cv.pdf');
    expect(whole.parts[1]!.value).toBeUndefined();
    expect(whole.parts[1]!.fingerprint).toBe(fingerprint('c2VjcmV0'));
    expect(whole.parts[2]).toMatchObject({ filename: 'cv.pdf', contentType: 'application/pdf', size: 15 * 50 });
    for (const size of [1, 2, 3, 7, 16, 17, 64]) expect(read(FORM, size)).toEqual(whole);
  });

  it('names what is wrong with a malformed body', () => {
    expect(read(body(['Content-Disposition: form-data; name="a"\r\n\r\nx'], false), 5)).toMatchObject({ wellFormed: false, problem: /closing boundary/ });
    expect(read(body(['Content-Type: text/plain\r\n\r\nx']), 5)).toMatchObject({ wellFormed: false, problem: /Content-Disposition/ });
    expect(read(Buffer.from('garbage that is not multipart'), 4)).toMatchObject({ wellFormed: false, parts: [] });
  });

  it('reads the boundary from the Content-Type header', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('application/json')).toBeUndefined();
  });
});
