// A streaming multipart/form-data reader written for S3's POST rules rather than for general forms:
// - the part that carries the content is chosen by the caller from its NAME (`file`), not by the
//   presence of `filename=` (s3-tests put `filename=` on every part; decision 0011);
// - every byte that is not file content (preamble, boundaries, part headers, field values) counts
//   toward one limit, which is S3's "fields preceding the upload file cannot exceed 20 KB";
// - file bytes are handed to the caller as they arrive (with backpressure), never buffered whole.
// busboy decides file-vs-field by `filename=` and cannot report the pre-file byte count, hence this.
import { s3Errors } from './errors.ts';

export interface PartInfo {
  /** The part's `name` parameter as sent. */
  name: string;
  /** The `filename` parameter, or undefined when the part has none. */
  filename: string | undefined;
  contentType: string | undefined;
}

interface FileSink {
  write(chunk: Buffer): void | Promise<void>;
}

/** `field`: buffer the value (counts toward the limit); `skip`: discard; `stop`: stop reading now. */
type PartDecision = 'field' | 'skip' | 'stop' | FileSink;

export interface MultipartCallbacks {
  /** `bodyOffset`: bytes of the request body before this part's content (for size estimates). */
  onPart(part: PartInfo, bodyOffset: number): PartDecision | Promise<PartDecision>;
  onField(part: PartInfo, value: string): void;
  onFileEnd(part: PartInfo): void | Promise<void>;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BLOCK = 16 * 1024;

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

/** The boundary parameter of a multipart/form-data content type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary !== undefined && boundary.length <= 200 ? boundary : undefined;
}

export function isMultipartFormData(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*multipart\/form-data\s*(;|$)/i.test(contentType);
}

function parsePartHeaders(block: string): PartInfo {
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
  if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) throw s3Errors.malformedPost();
  const params = new Map<string, string>();
  // Quoted values are taken literally: browsers percent-encode `"` (WHATWG) and old IE sends
  // `C:\dir\file` paths whose backslashes must survive for the `${filename}` base name.
  const paramRe = /;\s*([^=;\s]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g;
  for (let m = paramRe.exec(disposition); m !== null; m = paramRe.exec(disposition)) {
    const value = m[2] ?? (m[3] ?? '').trim();
    params.set(m[1]!.toLowerCase(), value);
  }
  const name = params.get('name');
  if (name === undefined) throw s3Errors.malformedPost();
  return { name, filename: params.get('filename'), contentType };
}

type ReaderState = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'end';
/** What a step did: needs the next chunk, moved to another state, or the caller stopped the read. */
type Step = 'more' | 'next' | 'stopped';

/**
 * The reader's state machine over the unread bytes `buf`. Each state's step consumes what it can and
 * says whether it needs more input; `advance` runs steps until one does. One instance per request, its
 * fields are the whole state (no per-chunk allocations beyond the buffer views).
 */
class FormReader {
  state: ReaderState = 'preamble';
  // A virtual CRLF in front lets the first boundary (which has none) match the same delimiter.
  private buf: Buffer = Buffer.from(CRLF);
  private nonFileBytes = -CRLF.length;
  private part: PartInfo | undefined;
  private decision: PartDecision = 'skip';
  private fieldChunks: Buffer[] = [];
  private fileSeen = false;
  private fileBytes = 0;

  constructor(
    private readonly delimiter: Buffer,
    private readonly nonFileLimit: number,
    private readonly callbacks: MultipartCallbacks,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** Consumes the buffered bytes as far as they go. */
  async advance(): Promise<'more' | 'stopped'> {
    for (;;) {
      let step: Step;
      if (this.state === 'body') step = await this.readBody();
      else if (this.state === 'preamble') step = this.skipPreamble();
      else if (this.state === 'afterDelimiter') step = this.readDelimiterEnd();
      else if (this.state === 'headers') step = await this.readPartHeaders();
      else step = 'more';
      if (step !== 'next') return step;
    }
  }

  /** Everything before the first boundary is discarded (but counts toward the limit). */
  private skipPreamble(): Step {
    const idx = this.buf.indexOf(this.delimiter);
    if (idx === -1) {
      const drop = partialDelimiterStart(this.buf, this.delimiter);
      this.countNonFile(drop);
      this.buf = this.buf.subarray(drop);
      return 'more';
    }
    this.countNonFile(idx + this.delimiter.length);
    this.buf = this.buf.subarray(idx + this.delimiter.length);
    this.state = 'afterDelimiter';
    return 'next';
  }

  /** After a boundary: `--` closes the form, CRLF opens a part. */
  private readDelimiterEnd(): Step {
    const buf = this.buf;
    // RFC 2046 allows linear whitespace between the boundary and its CRLF.
    let i = 0;
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    if (buf.length - i < 2) return 'more';
    if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
      this.state = 'end';
      return 'more';
    }
    if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw s3Errors.malformedPost();
    this.countNonFile(i + 2);
    this.buf = buf.subarray(i + 2);
    this.state = 'headers';
    return 'next';
  }

  /** A part's header block, then the caller's decision what to do with its content. */
  private async readPartHeaders(): Promise<Step> {
    let block: string;
    if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
      block = '';
      this.countNonFile(2);
      this.buf = this.buf.subarray(2);
    } else {
      const idx = this.buf.indexOf(HEADER_END);
      if (idx === -1) {
        if (this.buf.length > MAX_HEADER_BLOCK) throw s3Errors.malformedPost();
        return 'more';
      }
      block = this.buf.subarray(0, idx).toString('utf8');
      this.countNonFile(idx + HEADER_END.length);
      this.buf = this.buf.subarray(idx + HEADER_END.length);
    }
    this.part = parsePartHeaders(block);
    this.decision = await this.callbacks.onPart(this.part, this.nonFileBytes + this.fileBytes);
    if (this.decision === 'stop') return 'stopped';
    this.fieldChunks = [];
    this.state = 'body';
    return 'next';
  }

  /** The hot loop of an upload: hands a part's content on up to the next (possible) delimiter. */
  private async readBody(): Promise<Step> {
    const idx = this.buf.indexOf(this.delimiter);
    if (idx === -1) {
      const emit = partialDelimiterStart(this.buf, this.delimiter);
      const chunk = this.buf.subarray(0, emit);
      this.buf = this.buf.subarray(emit);
      await this.emitBody(chunk);
      return 'more';
    }
    const chunk = this.buf.subarray(0, idx);
    this.buf = this.buf.subarray(idx + this.delimiter.length);
    await this.emitBody(chunk);
    await this.endPart();
    return 'next';
  }

  private async endPart(): Promise<void> {
    const decision = this.decision;
    if (typeof decision === 'object') this.fileSeen = true;
    this.countNonFile(this.delimiter.length);
    if (decision === 'field') this.callbacks.onField(this.part!, Buffer.concat(this.fieldChunks).toString('utf8'));
    else if (typeof decision === 'object') await this.callbacks.onFileEnd(this.part!);
    this.fieldChunks = [];
    this.state = 'afterDelimiter';
  }

  private async emitBody(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    const decision = this.decision;
    if (decision === 'field') {
      this.countNonFile(chunk.length);
      this.fieldChunks.push(chunk);
    } else if (typeof decision === 'object') {
      this.fileBytes += chunk.length;
      await decision.write(chunk);
    }
  }

  /** After the file only buffered fields (fault mode) are still limited: S3 ignores the rest. */
  private countNonFile(n: number): void {
    this.nonFileBytes += n;
    if (this.nonFileBytes > this.nonFileLimit && (!this.fileSeen || this.decision === 'field')) throw s3Errors.preDataTooLarge();
  }
}

/**
 * Reads the whole form (or until a part is answered `stop`). Throws S3Error MalformedPOSTRequest for
 * broken framing and MaxPostPreDataLengthExceededError when non-file bytes exceed `nonFileLimit`.
 * Returns `stopped` when the caller stopped early (the rest of `source` is left unread).
 */
export async function readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  nonFileLimit: number,
  callbacks: MultipartCallbacks,
): Promise<'complete' | 'stopped'> {
  const reader = new FormReader(Buffer.from(`\r\n--${boundary}`, 'latin1'), nonFileLimit, callbacks);
  for await (const chunk of source) {
    if (reader.state === 'end') continue; // epilogue: ignored, but still read so the connection stays usable
    reader.push(chunk);
    if ((await reader.advance()) === 'stopped') return 'stopped';
  }
  if (reader.state !== 'end') throw s3Errors.malformedPost();
  return 'complete';
}
