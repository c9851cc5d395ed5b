// The structure of a multipart/form-data body, read as it streams past (RFC 7578 / RFC 2046): part
// names in order, the values of small non-file parts, and each part's filename attribute, type and byte
// size. As S3 does, the FILE is the part named `file`, not a part that carries `filename=`: clients such
// as Python requests (`files=`) give every part a filename, and their field values must still be read
// (docs/decisions/0132-form-shape-as-s3-judges-it.md). File bytes are only counted, never kept or copied (a chunk is searched in place; only a
// tail shorter than the delimiter is carried over), so recording an upload costs a boundary search.
import { createHash } from 'node:crypto';
import { isSecretName } from '../config/redact.ts';

export interface PartShape {
  name: string;
  filename?: string;
  contentType?: string;
  /** Bytes of the part's body. */
  size: number;
  /** The value of a non-file, non-secret part (first VALUE_CAP bytes), with or without a filename attribute. */
  value?: string;
  /** For secret parts (Policy, X-Amz-Signature, …): a fingerprint to compare with what was issued. */
  fingerprint?: string;
  /** The body stopped inside this part (its size is what arrived). */
  open?: true;
}

export interface MultipartShape {
  parts: PartShape[];
  /** The closing delimiter was seen and every part had a name. */
  wellFormed: boolean;
  /** Why it is not well formed (first problem only). */
  problem?: string;
  totalBytes: number;
  /** The body stopped right after a delimiter that opened another part (the reader saw that more
   * parts followed the last one listed, but not what they were). */
  partsFollow?: true;
}

/** Values longer than this are truncated in the record (a field value, not a file). */
const VALUE_CAP = 4096;
const HEADER_CAP = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/** The part S3 stores: the one named `file` (field names are compared without case, as S3 does). */
export function isFilePart(part: Pick<PartShape, 'name'>): boolean {
  return part.name.toLowerCase() === 'file';
}

/** A short, non-reversible fingerprint of a secret value, so "unchanged" can be judged without keeping it. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

type State = 'body' | 'afterDelimiter' | 'headers' | 'epilogue';

interface OpenPart {
  shape: PartShape;
  isFile: boolean;
  secret: boolean;
  value: Buffer[];
  valueBytes: number;
}

export class MultipartShapeReader {
  private readonly delimiter: Buffer;
  private state: State = 'body';
  /** Bytes not yet decided (shorter than the delimiter in 'body'; a partial head otherwise). */
  private carry: Buffer;
  private part: OpenPart | undefined;
  private readonly parts: PartShape[] = [];
  private problem: string | undefined;
  private closed = false;
  private total = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    // The first delimiter may open the body without a CRLF before it: pretend one was there.
    this.carry = Buffer.from('\r\n');
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.problem !== undefined || this.state === 'epilogue') return;
    let data = chunk;
    // A partial part head, or a carried delimiter tail before a chunk too short to decide it: both small.
    if (this.carry.length > 0 && (this.state !== 'body' || chunk.length < this.delimiter.length)) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = EMPTY;
    }
    let pos = 0;
    while (pos >= 0 && this.problem === undefined) {
      if (this.state === 'body') pos = this.scanBody(data, pos);
      else if (this.state === 'afterDelimiter') pos = this.afterDelimiter(data, pos);
      else if (this.state === 'headers') pos = this.headers(data, pos);
      else return;
    }
  }

  /** Body state: counts bytes up to the next delimiter. Returns where the next state starts, or -1
   * when the chunk is consumed (a possible partial delimiter is carried over). */
  private scanBody(buf: Buffer, pos: number): number {
    const d = this.delimiter;
    if (this.carry.length > 0) {
      const carry = this.carry;
      this.carry = EMPTY;
      const probe = Buffer.concat([carry, buf.subarray(pos, pos + d.length - 1)]);
      const at = probe.indexOf(d);
      if (at !== -1 && at < carry.length) {
        this.emitBody(carry, 0, at);
        this.endPart();
        this.state = 'afterDelimiter';
        return pos + at + d.length - carry.length;
      }
      this.emitBody(carry, 0, carry.length);
    }
    const at = buf.indexOf(d, pos);
    if (at !== -1) {
      this.emitBody(buf, pos, at);
      this.endPart();
      this.state = 'afterDelimiter';
      return at + d.length;
    }
    const keep = Math.min(d.length - 1, buf.length - pos);
    this.emitBody(buf, pos, buf.length - keep);
    this.carry = Buffer.from(buf.subarray(buf.length - keep));
    return -1;
  }

  /** After `--boundary`: `--` closes the body, (optional padding and) CRLF starts a part's head. */
  private afterDelimiter(buf: Buffer, pos: number): number {
    let i = pos;
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    if (buf.length - i < 2) return this.wait(buf, pos);
    if (i === pos && buf[i] === 0x2d && buf[i + 1] === 0x2d) {
      this.closed = true;
      this.state = 'epilogue';
      return -1;
    }
    if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) return this.fail('a boundary line is not followed by CRLF or "--"');
    this.state = 'headers';
    return i + 2;
  }

  private headers(buf: Buffer, pos: number): number {
    const end = buf.indexOf('\r\n\r\n', pos);
    if (end === -1) {
      if (buf.length - pos > HEADER_CAP) return this.fail('a part head is longer than 16 KiB');
      return this.wait(buf, pos);
    }
    if (!this.openPart(buf.subarray(pos, end).toString('latin1'))) return -1;
    this.state = 'body';
    return end + 4;
  }

  /** Keeps the undecided rest of a head for the next chunk. */
  private wait(buf: Buffer, pos: number): number {
    this.carry = Buffer.from(buf.subarray(pos));
    return -1;
  }

  private openPart(head: string): boolean {
    let disposition: string | undefined;
    let type: string | undefined;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-disposition') disposition = value;
      else if (name === 'content-type') type = value;
    }
    if (!disposition || !/^form-data\b/i.test(disposition)) return this.fail('a part has no Content-Disposition: form-data header') === 0;
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
    if (name === undefined || name === '') return this.fail('a part has no name in its Content-Disposition') === 0;
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(disposition)?.[1];
    const shape: PartShape = { name, size: 0 };
    if (filename !== undefined) shape.filename = filename;
    if (type !== undefined) shape.contentType = type;
    this.part = { shape, isFile: isFilePart(shape), secret: isSecretName(name), value: [], valueBytes: 0 };
    return true;
  }

  private emitBody(buf: Buffer, from: number, to: number): void {
    const part = this.part;
    if (!part || to <= from) return;
    part.shape.size += to - from;
    if (!part.isFile && part.valueBytes < VALUE_CAP) {
      const take = Math.min(to - from, VALUE_CAP - part.valueBytes);
      part.value.push(Buffer.from(buf.subarray(from, from + take)));
      part.valueBytes += take;
    }
  }

  private endPart(): void {
    const part = this.part;
    if (!part) return;
    if (!part.isFile) {
      const value = Buffer.concat(part.value).toString('utf8');
      if (part.secret) part.shape.fingerprint = fingerprint(value);
      else part.shape.value = value;
    }
    this.parts.push(part.shape);
    this.part = undefined;
  }

  private fail(problem: string): number {
    this.problem ??= problem;
    this.carry = EMPTY;
    return -1;
  }

  end(): MultipartShape {
    const problem = this.problem ?? (this.closed ? undefined : 'the body ended without the closing boundary');
    const follows = !this.closed && this.parts.length > 0 && (this.state === 'afterDelimiter' || this.state === 'headers');
    if (this.part) {
      // An unterminated part is still listed, with every byte that arrived (the carried tail included).
      if (this.state === 'body') this.emitBody(this.carry, 0, this.carry.length);
      this.part.shape.open = true;
      this.endPart();
    }
    const shape: MultipartShape = { parts: this.parts, wellFormed: problem === undefined, totalBytes: this.total };
    if (follows && this.problem === undefined) shape.partsFollow = true;
    if (problem !== undefined) shape.problem = problem;
    return shape;
  }
}
