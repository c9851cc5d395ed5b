// The structure of a multipart/form-data body, read as it streams past (RFC 7578 / RFC 2046): part
// names in order, the values of small non-file parts, and each part's filename attribute, type and byte
// size. As S3 does, the FILE is the part named `file`, not a part that carries `filename=`: clients such
// as Python requests (`files=`) give every part a filename, and their field values must still be read
// (docs/decisions/0132-form-shape-as-s3-judges-it.md). The framing is the mock's one tokenizer
// (src/mock/multipart-tokenizer.ts): file bytes are only counted, never kept or copied, so recording an
// upload costs a boundary search.
import { createHash } from 'node:crypto';
import { isSecretName } from '../config/redact.ts';
import { describeProblem, multipartBoundary, MultipartTokenizer } from '../mock/multipart-tokenizer.ts';

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

/** The part S3 stores: the one named `file` (field names are compared without case, as S3 does). */
export function isFilePart(part: Pick<PartShape, 'name'>): boolean {
  return part.name.toLowerCase() === 'file';
}

/** A short, non-reversible fingerprint of a secret value, so "unchanged" can be judged without keeping it. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

export const boundaryOf = multipartBoundary;

interface OpenPart {
  shape: PartShape;
  isFile: boolean;
  secret: boolean;
  value: Buffer[];
  valueBytes: number;
}

export class MultipartShapeReader {
  private readonly tokens: MultipartTokenizer;
  private part: OpenPart | undefined;
  private readonly parts: PartShape[] = [];
  private problem: string | undefined;

  constructor(boundary: string) {
    this.tokens = new MultipartTokenizer(boundary);
  }

  write(chunk: Buffer): void {
    for (const t of this.tokens.write(chunk)) {
      if (t.kind === 'data') this.body(t.chunk);
      else if (t.kind === 'part') {
        const { name, filename, contentType } = t.head;
        if (name === '') {
          this.problem = describeProblem('no-name');
          return;
        }
        const shape: PartShape = { name, size: 0 };
        if (filename !== undefined) shape.filename = filename;
        if (contentType !== undefined) shape.contentType = contentType;
        this.part = { shape, isFile: isFilePart(shape), secret: isSecretName(name), value: [], valueBytes: 0 };
      } else if (t.kind === 'part-end') this.endPart();
      else this.problem = describeProblem(t.problem);
    }
  }

  private body(chunk: Buffer): void {
    const part = this.part;
    if (!part) return;
    part.shape.size += chunk.length;
    if (!part.isFile && part.valueBytes < VALUE_CAP) {
      const take = Math.min(chunk.length, VALUE_CAP - part.valueBytes);
      part.value.push(Buffer.from(chunk.subarray(0, take))); // a copy: the chunk is the request's
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

  end(): MultipartShape {
    const state = this.tokens.state;
    const closed = state === 'closed';
    const problem = this.problem ?? (closed ? undefined : 'the body ended without the closing boundary');
    const follows = !closed && this.parts.length > 0 && (state === 'after-delimiter' || state === 'head');
    const rest = this.tokens.end();
    if (this.part) {
      // An unterminated part is still listed, with every byte that arrived (the held-back tail included).
      if (rest !== undefined) this.body(rest);
      this.part.shape.open = true;
      this.endPart();
    }
    const shape: MultipartShape = { parts: this.parts, wellFormed: problem === undefined, totalBytes: this.tokens.totalBytes };
    if (follows && this.problem === undefined) shape.partsFollow = true;
    if (problem !== undefined) shape.problem = problem;
    return shape;
  }
}
