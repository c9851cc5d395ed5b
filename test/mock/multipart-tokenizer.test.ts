// The one multipart tokenizer (src/mock/multipart-tokenizer.ts), which storage ingest, client
// verification and the API's multipart submit all read through. Differential against busboy (kept as a
// test oracle only): on a table of well-formed bodies both find the same parts, names, filenames, types
// and bytes, whatever the chunking; on malformed ones both refuse. Then what only the tokenizer reports:
// each part's offset in the body and the raw shape of a framing problem.
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { multipartBoundary, MultipartTokenizer, type MultipartProblem } from '../../src/mock/multipart-tokenizer.ts';

const B = 'b0undary-XyZ';
const part = (disposition: string, body: string, type?: string) => `Content-Disposition: form-data; ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n${body}`;
const form = (parts: string[], { preamble = '', epilogue = '', padding = '' } = {}) =>
  Buffer.from(`${preamble}${parts.map((p) => `--${B}${padding}\r\n${p}\r\n`).join('')}--${B}--${epilogue}`, 'utf8');

interface Part { name: string; filename?: string; type?: string; data: string }

/** The parts as the tokenizer sees them, the body written in `chunk`-byte pieces. */
function tokenize(body: Buffer, chunk = body.length): { parts: Part[]; problem?: MultipartProblem; closed: boolean; offsets: number[] } {
  const t = new MultipartTokenizer(B);
  const parts: Part[] = [];
  const bytes: Buffer[][] = [];
  const offsets: number[] = [];
  let problem: MultipartProblem | undefined;
  for (let i = 0; i < body.length; i += chunk) {
    for (const tok of t.write(body.subarray(i, i + chunk))) {
      if (tok.kind === 'part') {
        offsets.push(tok.offset);
        parts.push({ name: tok.head.name, ...(tok.head.filename !== undefined ? { filename: tok.head.filename } : {}), ...(tok.head.contentType ? { type: tok.head.contentType } : {}), data: '' });
        bytes.push([]);
      } else if (tok.kind === 'data') bytes.at(-1)!.push(Buffer.from(tok.chunk));
      else if (tok.kind === 'problem') problem = tok.problem;
    }
  }
  parts.forEach((p, i) => (p.data = Buffer.concat(bytes[i]!).toString('utf8')));
  return { parts, ...(problem ? { problem } : {}), closed: t.state === 'closed', offsets };
}

/** The parts as busboy sees them (file-vs-field by filename, as busboy decides), or its error. */
function withBusboy(body: Buffer): Promise<{ parts: Part[] } | { error: string }> {
  return new Promise((resolve) => {
    const parts: Part[] = [];
    const bb = busboy({ headers: { 'content-type': `multipart/form-data; boundary=${B}` }, preservePath: true, defParamCharset: 'utf8' });
    bb.on('field', (name, value, info) => parts.push({ name, ...(info.mimeType !== 'text/plain' ? { type: info.mimeType } : {}), data: value }));
    bb.on('file', (name, stream, info) => {
      const p: Part = { name, filename: info.filename, ...(info.mimeType !== 'text/plain' ? { type: info.mimeType } : {}), data: '' };
      parts.push(p);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => (p.data = Buffer.concat(chunks).toString('utf8')));
    });
    bb.on('error', (err: Error) => resolve({ error: err.message }));
    bb.on('close', () => resolve({ parts }));
    bb.end(body);
  });
}

const WELL_FORMED: [string, Buffer][] = [
  ['one field', form([part('name="key"', 'uploads/a/cv.pdf')])],
  ['fields then a file', form([part('name="key"', 'k'), part('name="Policy"', 'eyJ4IjoxfQ=='), part('name="file"; filename="cv.pdf"', '%PDF-1.4 binary\r\n--b0und not the boundary', 'application/pdf')])],
  ['an empty value and an empty file', form([part('name="a"', ''), part('name="file"; filename="e.bin"', '', 'application/octet-stream')])],
  ['CRLFs and dashes inside values', form([part('name="x"', '\r\n\r\n--\r\n--b0undary-Xy\r\n')])],
  ['unquoted parameters', form([part('name=plain', 'v'), part('name=f; filename=a.txt', 'file body', 'text/csv')])],
  ['a Windows path as filename', form([part('name="file"; filename="C:\\Users\\me\\cv.pdf"', 'x', 'application/pdf')])],
  ['non-ASCII names and values', form([part('name="naïve"', 'ünïcødé ✓'), part('name="file"; filename="résumé.pdf"', 'é', 'application/pdf')])],
  ['a preamble and an epilogue', form([part('name="a"', '1')], { preamble: 'ignore me\r\n', epilogue: '\r\ntrailing words' })],
  ['the file before a field', form([part('name="file"; filename="a.bin"', 'abc', 'application/octet-stream'), part('name="key"', 'late')])],
  ['a large part', form([part('name="file"; filename="big.bin"', 'abcdefghij\r\n'.repeat(20_000), 'application/octet-stream')])],
];

describe('the multipart tokenizer against busboy', () => {
  for (const [name, body] of WELL_FORMED) {
    it(`finds the same parts and bytes as busboy, whatever the chunking: ${name}`, async () => {
      const oracle = await withBusboy(body);
      expect(oracle).not.toHaveProperty('error');
      const whole = tokenize(body);
      expect(whole.problem).toBeUndefined();
      expect(whole.closed).toBe(true);
      expect(whole.parts).toEqual((oracle as { parts: Part[] }).parts);
      const sizes = body.length > 10_000 ? [1000, 4096, 65_536] : [1, 2, 3, 5, 7, 13, 31, 64];
      for (const size of sizes) expect(tokenize(body, size)).toEqual(whole);
    });
  }

  // busboy's reading of each: an error, or (no disposition, no name) a part dropped or left nameless.
  const MALFORMED: [string, Buffer, MultipartProblem | 'unclosed', { error: RegExp } | { parts: unknown[] }][] = [
    ['no closing delimiter', Buffer.from(`--${B}\r\n${part('name="a"', 'x')}\r\n`), 'unclosed', { error: /Unexpected end of form/ }],
    ['a part without Content-Disposition', Buffer.from(`--${B}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${B}--`), 'no-disposition', { parts: [] }],
    ['a part without a name', Buffer.from(`--${B}\r\nContent-Disposition: form-data; filename="a"\r\n\r\nx\r\n--${B}--`), 'no-name', { parts: [{ name: undefined, filename: 'a', data: 'x' }] }],
    ['a head of more than 16 KiB', Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\nX-Long: ${'y'.repeat(17_000)}\r\n\r\nx\r\n--${B}--`), 'head-too-long', { error: /Malformed part header/ }],
    ['only garbage', Buffer.from('this is not multipart at all'), 'unclosed', { error: /Unexpected end of form/ }],
  ];
  for (const [name, body, expected, busboyReads] of MALFORMED) {
    it(`refuses a body busboy cannot read as a form either: ${name}`, async () => {
      const oracle = await withBusboy(body);
      if ('error' in busboyReads) expect((oracle as { error: string }).error).toMatch(busboyReads.error);
      else expect((oracle as { parts: Part[] }).parts).toEqual(busboyReads.parts);
      const mine = tokenize(body, 7);
      if (expected === 'unclosed') expect([mine.closed, mine.problem]).toEqual([false, undefined]);
      else expect([mine.closed, mine.problem]).toEqual([false, expected]);
    });
  }
});

describe('what only the tokenizer reports', () => {
  it('the offset of each part\'s content in the body (S3 counts the bytes before the file)', () => {
    const body = form([part('name="key"', 'k'), part('name="file"; filename="a"', 'DATA')], { preamble: 'pre\r\n' });
    const { offsets } = tokenize(body, 3);
    expect(offsets.map((o) => body.subarray(o, o + 1).toString())).toEqual(['k', 'D']);
  });

  it('transport padding after a boundary (RFC 2046), where busboy finds no part', () => {
    const body = form([part('name="a"', '1'), part('name="b"', '2')], { padding: ' \t ' });
    expect(tokenize(body, 3)).toEqual({ parts: [{ name: 'a', data: '1' }, { name: 'b', data: '2' }], closed: true, offsets: [expect.any(Number), expect.any(Number)] });
  });

  it('a boundary line followed by neither CRLF nor "--" (which busboy reads as part of the preamble)', () => {
    expect(tokenize(Buffer.from(`--${B}\r\n${part('name="a"', 'x')}\r\n--${B}XX\r\n`), 4).problem).toBe('bad-delimiter');
  });

  it('holds back nothing of a file chunk that cannot begin a delimiter (no copy per chunk)', () => {
    const t = new MultipartTokenizer(B);
    expect([...t.write(Buffer.from(`--${B}\r\n${part('name="file"; filename="a"', '')}`))].map((x) => x.kind)).toEqual(['part']);
    const chunk = Buffer.from('x'.repeat(1000));
    const out = [...t.write(chunk)];
    expect(out).toHaveLength(1);
    expect(out[0]!.kind === 'data' && out[0]!.chunk.buffer === chunk.buffer && out[0]!.chunk.length === 1000).toBe(true);
  });

  it('reads the boundary of multipart/form-data only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/mixed; boundary=abc')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });
});
