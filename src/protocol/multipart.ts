// multipart/form-data encoder for the presigned POST: every returned field in order, then the file as
// the LAST field, named `file` (docs/sources.md: "Ashby docs: file.createFileUploadHandle"; "S3 POST Object": fields after `file` are ignored). One Uint8Array, so that k6 can
// send it as an ArrayBuffer (k6's own object bodies cannot order the parts: docs/sources.md, "k6 data uploads").
import { utf8Encode } from './utf8.ts';

export interface MultipartFile {
  filename: string;
  contentType: string;
}

export type FormFields = Record<string, string> | ReadonlyArray<readonly [string, string]>;

let boundaryCounter = 0;

/** A boundary unlikely to appear in any payload; deterministic per process apart from Math.random. */
export function newBoundary(): string {
  boundaryCounter = (boundaryCounter + 1) % 1_000_000;
  return `----upload-harness-${Math.random().toString(36).slice(2, 12)}${boundaryCounter}`;
}

/** Escape a name or filename for a quoted Content-Disposition parameter (WHATWG form encoding rules). */
export function escapeDispositionValue(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function fieldEntries(fields: FormFields): ReadonlyArray<readonly [string, string]> {
  return Array.isArray(fields) ? (fields as ReadonlyArray<readonly [string, string]>) : Object.entries(fields);
}

/** Everything before the file bytes: the fields and the file part's headers. */
export function multipartHead(fields: FormFields, file: MultipartFile, boundary: string): string {
  let head = '';
  for (const [name, value] of fieldEntries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeDispositionValue(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${escapeDispositionValue(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`;
  return head;
}

/** Everything after the file bytes. */
export function multipartTail(boundary: string): string {
  return `\r\n--${boundary}--\r\n`;
}

export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`;
}

export interface EncodedMultipart {
  body: Uint8Array;
  contentType: string;
  boundary: string;
}

/** The whole form as one Uint8Array: fields in order, then `file` last. */
export function encodeMultipart(
  fields: FormFields,
  file: MultipartFile,
  bytes: Uint8Array,
  boundary: string = newBoundary(),
): EncodedMultipart {
  const head = utf8Encode(multipartHead(fields, file, boundary));
  const tail = utf8Encode(multipartTail(boundary));
  const body = new Uint8Array(head.length + bytes.length + tail.length);
  body.set(head, 0);
  body.set(bytes, head.length);
  body.set(tail, head.length + bytes.length);
  return { body, contentType: multipartContentType(boundary), boundary };
}
