// applicationForm.submit in multipart mode (docs/sources.md, "Ashby OpenAPI: applicationForm.submit"): text parts jobPostingId and
// applicationForm (a JSON string), and file parts named by a File field's value. File parts are put in
// storage through the emulator's own presigned POST, so the stored file is served like any other.
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApiContext } from './context.ts';
import type { ApiError } from './envelope.ts';
import { apiErrors } from './errors.ts';
import { storeFile, submitApplication } from './endpoints.ts';
import type { MockKey } from './keys.ts';
import { objectKey } from './upload-handle.ts';
import { multipartBoundary, MultipartTokenizer, type PartHead } from '../multipart-tokenizer.ts';

/** The product UI accepts files up to 50 MB (docs/sources.md, "Ashby help: candidate files"). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Parts beyond these counts are ignored (a form has two text parts and a file or two). */
const MAX_FILES = 10;
const MAX_FIELDS = 50;

interface FilePart { filename: string; contentType: string; bytes: Buffer }

/** A part's media type without parameters, lower case; RFC 7578's default `text/plain` when it has none. */
const mediaType = (contentType: string | undefined): string => contentType?.split(';', 1)[0]!.trim().toLowerCase() || 'text/plain';

/** The form's text parts and file parts; as browsers and form libraries mean it, a part with a
 * `filename=` is a file, one without is a text value (the API is not S3: no name decides here). */
async function readParts(raw: AsyncIterable<Buffer> & { headers: IncomingMessage['headers'] }): Promise<{ fields: Record<string, string>; files: Map<string, FilePart> }> {
  const boundary = multipartBoundary(raw.headers['content-type']);
  if (boundary === undefined) throw apiErrors.malformedMultipart();
  const tokens = new MultipartTokenizer(boundary);
  const fields: Record<string, string> = {};
  const files = new Map<string, FilePart>();
  let part: PartHead | undefined;
  let kept: Buffer[] | undefined;
  let size = 0;
  let fileCount = 0;
  let fieldCount = 0;
  let failure: ApiError | undefined;
  for await (const chunk of raw) {
    for (const t of tokens.write(chunk)) {
      if (t.kind === 'part') {
        part = t.head;
        size = 0;
        const isFile = part.filename !== undefined;
        const counted = isFile ? ++fileCount <= MAX_FILES : ++fieldCount <= MAX_FIELDS;
        kept = counted ? [] : undefined;
      } else if (t.kind === 'data') {
        size += t.chunk.length;
        if (part!.filename !== undefined && size > MAX_FILE_BYTES) {
          failure ??= apiErrors.filePartTooLarge(part!.name, MAX_FILE_BYTES);
          kept = undefined; // read on (the answer waits for the whole body), keep nothing
        }
        kept?.push(Buffer.from(t.chunk)); // a copy: the view is the socket chunk's
      } else if (t.kind === 'part-end') {
        const p = part!;
        if (kept !== undefined) {
          const bytes = Buffer.concat(kept);
          if (p.filename === undefined) fields[p.name] = bytes.toString('utf8');
          else files.set(p.name, { filename: p.filename, contentType: mediaType(p.contentType), bytes });
        }
        kept = undefined;
      } else throw apiErrors.malformedMultipart();
    }
  }
  if (tokens.state !== 'closed') throw apiErrors.malformedMultipart();
  if (failure) throw failure;
  return { fields, files };
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
