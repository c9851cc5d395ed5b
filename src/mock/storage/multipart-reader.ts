// A streaming multipart/form-data reader written for S3's POST rules rather than for general forms:
// - the part that carries the content is chosen by the caller from its NAME (`file`), not by the
//   presence of `filename=` (s3-tests put `filename=` on every part; research §5 item 7);
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

export interface FileSink {
  write(chunk: Buffer): void | Promise<void>;
}

/** `field`: buffer the value (counts toward the limit); `skip`: discard; `stop`: stop reading now. */
export type PartDecision = 'field' | 'skip' | 'stop' | FileSink;

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
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  // A virtual CRLF in front lets the first boundary (which has none) match the same delimiter.
  let buf: Buffer = Buffer.from(CRLF);
  let nonFileBytes = -CRLF.length;
  type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'end';
  let state = 'preamble' as State;
  let part: PartInfo | undefined;
  let decision: PartDecision = 'skip';
  let fieldChunks: Buffer[] = [];
  let fileSeen = false;
  let fileBytes = 0;

  // After the file only buffered fields (fault mode) are still limited: S3 ignores the rest.
  const countNonFile = (n: number): void => {
    nonFileBytes += n;
    if (nonFileBytes > nonFileLimit && (!fileSeen || decision === 'field')) throw s3Errors.preDataTooLarge();
  };
  const emitBody = async (chunk: Buffer): Promise<void> => {
    if (chunk.length === 0) return;
    if (decision === 'field') {
      countNonFile(chunk.length);
      fieldChunks.push(chunk);
    } else if (typeof decision === 'object') {
      fileBytes += chunk.length;
      await decision.write(chunk);
    }
  };

  const process = async (): Promise<'more' | 'stopped'> => {
    for (;;) {
      if (state === 'preamble') {
        const idx = buf.indexOf(delimiter);
        if (idx === -1) {
          const drop = partialDelimiterStart(buf, delimiter);
          countNonFile(drop);
          buf = buf.subarray(drop);
          return 'more';
        }
        countNonFile(idx + delimiter.length);
        buf = buf.subarray(idx + delimiter.length);
        state = 'afterDelimiter';
      } else if (state === 'afterDelimiter') {
        // RFC 2046 allows linear whitespace between the boundary and its CRLF.
        let i = 0;
        while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
        if (buf.length - i < 2) return 'more';
        if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
          state = 'end';
          return 'more';
        }
        if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw s3Errors.malformedPost();
        countNonFile(i + 2);
        buf = buf.subarray(i + 2);
        state = 'headers';
      } else if (state === 'headers') {
        let block: string;
        if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          block = '';
          countNonFile(2);
          buf = buf.subarray(2);
        } else {
          const idx = buf.indexOf(HEADER_END);
          if (idx === -1) {
            if (buf.length > MAX_HEADER_BLOCK) throw s3Errors.malformedPost();
            return 'more';
          }
          block = buf.subarray(0, idx).toString('utf8');
          countNonFile(idx + HEADER_END.length);
          buf = buf.subarray(idx + HEADER_END.length);
        }
        part = parsePartHeaders(block);
        decision = await callbacks.onPart(part, nonFileBytes + fileBytes);
        if (decision === 'stop') return 'stopped';
        fieldChunks = [];
        state = 'body';
      } else if (state === 'body') {
        const idx = buf.indexOf(delimiter);
        if (idx === -1) {
          const emit = partialDelimiterStart(buf, delimiter);
          const chunk = buf.subarray(0, emit);
          buf = buf.subarray(emit);
          await emitBody(chunk);
          return 'more';
        }
        const chunk = buf.subarray(0, idx);
        buf = buf.subarray(idx + delimiter.length);
        await emitBody(chunk);
        if (typeof decision === 'object') fileSeen = true;
        countNonFile(delimiter.length);
        if (decision === 'field') callbacks.onField(part!, Buffer.concat(fieldChunks).toString('utf8'));
        else if (typeof decision === 'object') await callbacks.onFileEnd(part!);
        fieldChunks = [];
        state = 'afterDelimiter';
      } else {
        return 'more';
      }
    }
  };

  for await (const chunk of source) {
    if (state === 'end') continue; // epilogue: ignored, but still read so the connection stays usable
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    if ((await process()) === 'stopped') return 'stopped';
  }
  if (state !== 'end') throw s3Errors.malformedPost();
  return 'complete';
}

