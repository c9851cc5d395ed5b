// applicationForm.submit in multipart mode (docs/sources.md, "Ashby OpenAPI: applicationForm.submit"): text parts jobPostingId and
// applicationForm (a JSON string), and file parts named by a File field's value. File parts are put in
// storage through the emulator's own presigned POST, so the stored file is served like any other.
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApiContext } from './context.ts';
import type { ApiError } from './envelope.ts';
import { apiErrors } from './errors.ts';
import { storeFile, submitApplication } from './endpoints.ts';
import type { MockKey } from './keys.ts';
import { objectKey } from './upload-handle.ts';

/** The product UI accepts files up to 50 MB (docs/sources.md, "Ashby help: candidate files"). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

interface FilePart { filename: string; contentType: string; bytes: Buffer }

function readParts(raw: IncomingMessage): Promise<{ fields: Record<string, string>; files: Map<string, FilePart> }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: raw.headers, limits: { fileSize: MAX_FILE_BYTES, files: 10, fields: 50 } });
    } catch {
      reject(apiErrors.malformedMultipart());
      return;
    }
    const fields: Record<string, string> = {};
    const files = new Map<string, FilePart>();
    let failure: ApiError | undefined;
    bb.on('field', (name, value) => { fields[name] = value; });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => { failure = apiErrors.filePartTooLarge(name, MAX_FILE_BYTES); });
      stream.on('end', () => files.set(name, { filename: info.filename ?? name, contentType: info.mimeType, bytes: Buffer.concat(chunks) }));
    });
    bb.on('error', () => reject(apiErrors.malformedMultipart()));
    bb.on('close', () => (failure ? reject(failure) : resolve({ fields, files })));
    raw.pipe(bb);
  });
}

async function putObject(ctx: ApiContext, key: string, part: FilePart): Promise<void> {
  const post = ctx.storage.presignPost({ key, contentType: part.contentType, contentLength: part.bytes.length, ttlMs: 60_000 });
  const form = new FormData();
  for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
  form.append('file', new Blob([part.bytes], { type: part.contentType }), part.filename);
  const res = await fetch(post.url, { method: 'POST', body: form });
  if (!res.ok) throw apiErrors.storePartFailed(res.status);
}

export async function submitMultipart(ctx: ApiContext, key: MockKey, raw: IncomingMessage) {
  const { fields, files } = await readParts(raw);
  let applicationForm: unknown;
  try {
    applicationForm = JSON.parse(fields.applicationForm ?? '');
  } catch {
    throw apiErrors.applicationFormNotJson();
  }
  const body = { jobPostingId: fields.jobPostingId, applicationForm };
  return submitApplication(ctx, key, body, async (value, path) => {
    const part = typeof value === 'string' ? files.get(value) : undefined;
    if (!part) throw apiErrors.noFilePart(path, value);
    const objKey = objectKey(key.organizationId, randomUUID(), part.filename);
    await putObject(ctx, objKey, part);
    return storeFile(ctx, key.organizationId, '', objKey, part.filename);
  });
}
