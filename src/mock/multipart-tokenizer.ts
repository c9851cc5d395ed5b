// The one streaming multipart/form-data tokenizer (RFC 7578 / RFC 2046) of the mock and of client
// verification. It only frames the body: part heads (name, filename, Content-Type), body bytes as views
// of the arriving chunks (never copied or kept, so a 50 MB upload costs a boundary search), part ends,
// the closing delimiter, and the RAW shape of what went wrong (a boundary line not followed by CRLF or
// `--`, a head over 16 KiB, a part without a form-data disposition or a name). What a part MEANS is the
// consumer's: the storage emulator picks the file by its name `file` as S3 does (decision 0011), the API's
// multipart submit by its `filename=`, client verification records every part's structure.
// General-purpose parsers (busboy) decide file-vs-field themselves and report neither the bytes before a
// part nor a framing problem's shape, which both S3's 20 KB pre-file limit and the client judge need.
//
// Tokens are produced by a generator per chunk, so an asynchronous consumer (a file written to disk)
// awaits between tokens and the tokenizer waits with it: backpressure without buffering.

export interface PartHead {
  /** The `name` parameter as sent ('' when empty). */
  name: string;
  /** The `filename` parameter, or undefined when the part has none. */
  filename: string | undefined;
  contentType: string | undefined;
}

export type MultipartProblem = 'bad-delimiter' | 'head-too-long' | 'no-disposition' | 'no-name';

const PROBLEMS: Record<MultipartProblem, string> = {
  'bad-delimiter': 'a boundary line is not followed by CRLF or "--"',
  'head-too-long': 'a part head is longer than 16 KiB',
  'no-disposition': 'a part has no Content-Disposition: form-data header',
  'no-name': 'a part has no name in its Content-Disposition',
};

/** The wording of a problem, for reports and error messages. */
export const describeProblem = (p: MultipartProblem): string => PROBLEMS[p];

export type MultipartToken =
  /** `offset`: bytes of the body before this part's content. */
  | { kind: 'part'; head: PartHead; offset: number }
  /** Content of the current part: a view of the arriving chunk, valid until the consumer's next token. */
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'part-end' }
  | { kind: 'problem'; problem: MultipartProblem };

/** Where the tokenizer is: before the first boundary, after a boundary, in a part's head or body, after
 * the closing delimiter (`closed`), or stopped by a problem (`failed`). */
export type TokenizerState = 'preamble' | 'after-delimiter' | 'head' | 'body' | 'closed' | 'failed';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 16 * 1024;
const MAX_BOUNDARY = 200;

/** The boundary parameter of a multipart/form-data content type, or undefined (also for another type). */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!isMultipartFormData(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType!);
  const boundary = match?.[1] ?? match?.[2];
  return boundary !== undefined && boundary.length <= MAX_BOUNDARY ? boundary : undefined;
}

export function isMultipartFormData(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*multipart\/form-data\s*(;|$)/i.test(contentType);
}

/**
 * Where a possible start of `delimiter` begins in `buf`'s tail, given that `buf` holds no whole
 * delimiter: the earliest i with buf[i..] a prefix of the delimiter, or buf.length when there is none.
 * Only those bytes must wait for the next chunk; holding back a fixed delimiter-length tail instead
 * forced a copy of every socket chunk (tail + chunk concatenation) for the whole file.
 */
export function partialDelimiterStart(buf: Buffer, delimiter: Buffer): number {
  const first = delimiter[0]!;
  for (let i = buf.indexOf(first, Math.max(0, buf.length - delimiter.length + 1)); i !== -1; i = buf.indexOf(first, i + 1)) {
    if (delimiter.compare(buf, i, buf.length, 0, buf.length - i) === 0) return i;
  }
  return buf.length;
}

/** A part head's Content-Disposition and Content-Type. Quoted values are taken literally: browsers
 * percent-encode `"` (WHATWG) and old IE sends `C:\dir\file` paths whose backslashes must survive. */
function parseHead(block: string): PartHead | MultipartProblem {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) return 'no-disposition';
  const params = new Map<string, string>();
  const paramRe = /;\s*([^=;\s]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g;
  for (let m = paramRe.exec(disposition); m !== null; m = paramRe.exec(disposition)) {
    params.set(m[1]!.toLowerCase(), m[2] ?? (m[3] ?? '').trim());
  }
  const name = params.get('name');
  if (name === undefined) return 'no-name';
  return { name, filename: params.get('filename'), contentType };
}

export class MultipartTokenizer {
  private state_: TokenizerState = 'preamble';
  private readonly delimiter: Buffer;
  // A virtual CRLF in front lets the first boundary (which has none) match the same delimiter.
  private buf: Buffer = CRLF;
  /** Bytes of the body tokenized (consumed) so far, the virtual CRLF not counted. */
  private consumed = -CRLF.length;
  private total = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  get state(): TokenizerState {
    return this.state_;
  }

  /** Bytes of the body consumed so far (those still held back for the next chunk not included). */
  get offset(): number {
    return this.consumed;
  }

  /** Every byte written, the epilogue's included. */
  get totalBytes(): number {
    return this.total;
  }

  /** The tokens the bytes so far complete; bytes that may begin a delimiter or a head wait for the next chunk. */
  *write(chunk: Buffer): Generator<MultipartToken> {
    this.total += chunk.length;
    if (this.state_ === 'closed' || this.state_ === 'failed') return; // the epilogue, or past a problem: ignored
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const s = this.state_;
      if (s === 'body') {
        const idx = this.buf.indexOf(this.delimiter);
        const end = idx === -1 ? partialDelimiterStart(this.buf, this.delimiter) : idx;
        if (end > 0) yield { kind: 'data', chunk: this.take(end) };
        if (idx === -1) return;
        this.take(this.delimiter.length);
        this.state_ = 'after-delimiter';
        yield { kind: 'part-end' };
      } else if (s === 'preamble') {
        const idx = this.buf.indexOf(this.delimiter);
        if (idx === -1) {
          this.take(partialDelimiterStart(this.buf, this.delimiter)); // discarded, but counted
          return;
        }
        this.take(idx + this.delimiter.length);
        this.state_ = 'after-delimiter';
      } else if (s === 'after-delimiter') {
        if (this.buf.length < 2) return;
        if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
          this.take(2);
          this.state_ = 'closed';
          return;
        }
        // RFC 2046 allows linear whitespace (transport padding) between the boundary and its CRLF.
        let i = 0;
        while (i < this.buf.length && (this.buf[i] === 0x20 || this.buf[i] === 0x09)) i++;
        if (this.buf.length - i < 2) return;
        if (this.buf[i] !== 0x0d || this.buf[i + 1] !== 0x0a) {
          yield this.fail('bad-delimiter');
          return;
        }
        this.take(i + 2);
        this.state_ = 'head';
      } else if (s === 'head') {
        let block: string;
        if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
          block = ''; // a part without header lines
          this.take(2);
        } else {
          const idx = this.buf.indexOf(HEAD_END);
          if (idx === -1) {
            if (this.buf.length > MAX_HEAD) yield this.fail('head-too-long');
            return;
          }
          if (idx > MAX_HEAD) {
            yield this.fail('head-too-long');
            return;
          }
          block = this.take(idx).toString('utf8');
          this.take(HEAD_END.length);
        }
        const head = parseHead(block);
        if (typeof head === 'string') {
          yield this.fail(head);
          return;
        }
        this.state_ = 'body';
        yield { kind: 'part', head, offset: this.consumed };
      } else return;
    }
  }

  /** What was held back at the end of the body: inside a part, the rest of its content (the body
   * stopped inside it); undefined otherwise. */
  end(): Buffer | undefined {
    const rest = this.state_ === 'body' && this.buf.length > 0 ? this.buf : undefined;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  private take(n: number): Buffer {
    const head = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.consumed += n;
    return head;
  }

  private fail(problem: MultipartProblem): MultipartToken {
    this.state_ = 'failed';
    this.buf = Buffer.alloc(0);
    return { kind: 'problem', problem };
  }
}
