// The storage side: the presigned multipart POST (every returned field in order, the file last, named
// `file`), deliberately altered forms for the storage-policy checks, and downloads with SHA-256.
// Large files stream from disk with a known Content-Length (head + file stream + tail), never buffered.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { encodeMultipart, escapeDispositionValue, multipartContentType, multipartHead, multipartTail, newBoundary, utf8Encode } from '../protocol/index.ts';
import { curlForGet, curlForUpload, ExchangeRecorder, SecretSet } from './exchange.ts';
import { DEFAULT_HTTP_OPTIONS, send, type HttpOptions, type RawResponse } from './http.ts';

export type FieldList = ReadonlyArray<readonly [string, string]>;

/** The file part: bytes in memory, or a path streamed from disk. */
export type FileSource = { bytes: Uint8Array } | { path: string };

export interface UploadInput {
  url: string;
  /** Form fields before the file, in order (normally exactly the returned `fields`). */
  fields: FieldList;
  filename: string;
  contentType: string;
  file: FileSource;
  /** Fields placed AFTER the file part (S3 ignores them; used to prove "file must be last"). */
  fieldsAfterFile?: FieldList;
}

export interface StorageResponse extends RawResponse {
  /** The XML body parsed to JSON (S3 errors, PostResponse), or undefined for an empty/non-XML body. */
  xml: Record<string, unknown> | undefined;
}

const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true });

export function parseStorageXml(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('<')) return undefined;
  try {
    const doc = xmlParser.parse(text) as Record<string, unknown>;
    delete doc['?xml'];
    return doc;
  } catch {
    return undefined;
  }
}

function fieldPart(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${escapeDispositionValue(name)}"\r\n\r\n${value}\r\n`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class StorageClient {
  readonly recorder: ExchangeRecorder;
  readonly secrets: SecretSet;
  private readonly http: HttpOptions;

  constructor(options: { http?: Partial<HttpOptions>; recorder?: ExchangeRecorder; secrets?: SecretSet } = {}) {
    this.recorder = options.recorder ?? new ExchangeRecorder();
    this.secrets = options.secrets ?? new SecretSet();
    this.http = { ...DEFAULT_HTTP_OPTIONS, ...options.http };
  }

  /** The presigned multipart POST. Secret fields (Policy, X-Amz-Signature, …) never reach a record. */
  async upload(input: UploadInput): Promise<StorageResponse> {
    for (const [k, v] of input.fields) if (/^(policy|x-amz-signature|x-amz-credential|x-amz-security-token)$/i.test(k)) this.secrets.add(v);
    const boundary = newBoundary();
    const after = (input.fieldsAfterFile ?? []).map(([k, v]) => fieldPart(boundary, k, v)).join('');
    // With fields after the file, the file part ends with CRLF and the next part's delimiter follows.
    const tail = after ? `\r\n${after}--${boundary}--\r\n` : multipartTail(boundary);
    const file = { filename: input.filename, contentType: input.contentType };
    const size = 'bytes' in input.file ? input.file.bytes.length : (await stat(input.file.path)).size;
    const head = utf8Encode(multipartHead(input.fields, file, boundary));
    const tailBytes = utf8Encode(tail);
    let body: () => Readable | Uint8Array;
    if ('bytes' in input.file && !after) {
      // In memory: one buffer (src/protocol's encoder), written at once — streaming it in pieces would
      // let a server that rejects early close the socket between our writes (EPIPE, not its answer).
      const encoded = encodeMultipart(input.fields, file, input.file.bytes, boundary).body;
      body = () => encoded;
    } else if ('bytes' in input.file) {
      const whole = new Uint8Array(head.length + size + tailBytes.length);
      whole.set(head, 0);
      whole.set(input.file.bytes, head.length);
      whole.set(tailBytes, head.length + size);
      body = () => whole;
    } else {
      const path = input.file.path;
      body = () =>
        Readable.from(
          (async function* () {
            yield head;
            for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) yield chunk as Uint8Array;
            yield tailBytes;
          })(),
          { objectMode: false },
        );
    }
    const length = head.length + size + tailBytes.length;
    const fileIndex = input.fields.length;
    const recordFields = [...input.fields, ['file', `<${size} bytes: ${input.filename}>`] as const, ...(input.fieldsAfterFile ?? [])];
    return this.post(input.url, body, multipartContentType(boundary), length, {
      bodyForRecord: recordFields.map(([k, v]) => `${k}=${v}`).join('\n'),
      curl: curlForUpload(input.url, [...input.fields, ...(input.fieldsAfterFile ?? [])], input.filename, input.fieldsAfterFile?.length ? fileIndex : 'last'),
    });
  }

  /** A POST with an arbitrary body (e.g. not multipart at all). */
  async postRaw(url: string, body: string, contentType: string): Promise<StorageResponse> {
    const bytes = utf8Encode(body);
    return this.post(url, () => bytes, contentType, bytes.length, {
      bodyForRecord: body,
      curl: `curl -sS -X POST '${url.split('?')[0]}' -H 'Content-Type: ${contentType}' --data-raw '${body.replace(/'/g, `'\\''`)}'`,
    });
  }

  /** GET (presigned download URL); returns the bytes and their SHA-256. */
  async download(url: string): Promise<StorageResponse & { sha256: string }> {
    const res = await send({ method: 'GET', url, headers: {}, bodyForRecord: '', curl: curlForGet(url) }, this.http, this.recorder, this.secrets);
    return { ...res, xml: undefined, sha256: sha256Hex(res.bytes) };
  }

  private async post(
    url: string,
    body: () => Readable | Uint8Array,
    contentType: string,
    length: number,
    record: { bodyForRecord: string; curl: string },
  ): Promise<StorageResponse> {
    const res = await send(
      { method: 'POST', url, headers: { 'content-type': contentType, 'content-length': String(length) }, body, ...record },
      this.http,
      this.recorder,
      this.secrets,
    );
    return { ...res, xml: parseStorageXml(res.text) };
  }
}
