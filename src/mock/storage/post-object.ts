// The browser POST upload (S3 POST Object with a SigV4 policy), checked in S3's order (docs/sources.md: "S3 POST Object"; decision 0011):
// 412 non-multipart → 400 framing / 20 KB pre-file limit / key / file → auth fields, credential, access
// key → signature over the Base64 policy as sent → policy shape (400) → expiration (403) → coverage and
// conditions (403) → content-length-range on the file bytes (400) → store. Everything up to the
// conditions is known when the `file` part starts, so the upload is authorised BEFORE its bytes are
// written and the size limit is enforced while streaming (an over-size file is cut off).
// Storage faults (src/mock/faults.ts) each switch off exactly one of these rules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { ActiveFaults } from '../faults.ts';
import type { StorageCredentials, StoredObject } from './types.ts';
import { escapeXml, s3Errors, XML_DECLARATION } from './errors.ts';
import { isMultipartFormData, multipartBoundary, readMultipart, type PartInfo } from './multipart-reader.ts';
import { evaluatePolicy, MAX_SINGLE_UPLOAD, parsePolicy, type SizeRange } from './policy.ts';
import { authenticatePost } from './post-auth.ts';
import { encodeKeyPath } from './download.ts';
import type { ObjectStore, TempUpload } from './object-store.ts';
import type { SigningKeyCache } from './sigv4.ts';

/** "The form data and boundaries (excluding the contents of the file) cannot exceed 20 KB." */
const PRE_FILE_LIMIT = 20 * 1024;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export interface PostContext {
  credentials: StorageCredentials;
  keys: SigningKeyCache;
  store: ObjectStore;
  clock: Clock;
  faults: () => ActiveFaults;
  baseUrl: () => string;
  /** The status of a success the form asks no status for (S3's default 204; a profile may say otherwise). */
  successStatus: 200 | 201 | 204;
}

/** `${filename}` becomes the base name of the file part's filename; without `filename=` it stays. */
function expandKey(key: string, filename: string | undefined): string {
  if (filename === undefined) return key;
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  return key.split('${filename}').join(base);
}

interface Authorised {
  key: string;
  range: SizeRange;
}

function authorise(ctx: PostContext, faults: ActiveFaults, fields: ReadonlyMap<string, string>, file: PartInfo): Authorised {
  const rawKey = fields.get('key');
  if (rawKey === undefined) throw s3Errors.missingField('key');
  const policyText = authenticatePost(fields, {
    credentials: ctx.credentials,
    keys: ctx.keys,
    checkSignature: !faults.has('no-signature-check'),
  });
  const policy = parsePolicy(policyText);
  if (!faults.has('no-expiry-check') && ctx.clock.now() > policy.expirationMs) throw s3Errors.policyExpired();
  const key = expandKey(rawKey, file.filename);
  const range = evaluatePolicy(policy, { fields, bucket: ctx.credentials.bucket, key });
  return { key, range: faults.has('no-size-check') ? { min: 0, max: MAX_SINGLE_UPLOAD } : range };
}

export async function handlePost(ctx: PostContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const faults = ctx.faults();
  const contentType = request.headers['content-type'];
  if (!isMultipartFormData(contentType)) throw s3Errors.notMultipart();
  const boundary = multipartBoundary(contentType!);
  if (boundary === undefined) throw s3Errors.malformedPost();
  // The fault keeps reading after `file` and lets later fields (a late `key`) count.
  const fileMustBeLast = !faults.has('file-not-last-accepted');
  const declaredLength = Number(request.headers['content-length'] ?? Number.NaN);

  const fields = new Map<string, string>();
  let filePart: PartInfo | undefined;
  let fileDone = false;
  let temp: TempUpload | undefined;
  let authorised: Authorised | undefined;
  try {
    await readMultipart(request.raw, boundary, PRE_FILE_LIMIT, {
      onPart: async (part, bodyOffset) => {
        const isFile = part.name.toLowerCase() === 'file';
        // After the file S3 ignores fields, but it counts file parts: a second one refuses the upload.
        if (filePart !== undefined) {
          if (isFile) throw s3Errors.fileCount(2);
          return fileMustBeLast ? 'skip' : 'field';
        }
        if (!isFile) return 'field';
        filePart = part;
        if (fileMustBeLast) authorised = authorise(ctx, faults, fields, part);
        const max = authorised?.range.max ?? MAX_SINGLE_UPLOAD;
        const upload = await ctx.store.createTemp();
        temp = upload;
        return {
          write: async (chunk: Buffer) => {
            if (upload.size + chunk.length > max) {
              // Stop here; S3 reports the whole proposed size, known when the form is well-formed and
              // `file` is last: Content-Length minus what precedes the file and the closing boundary.
              const seen = upload.size + chunk.length;
              const estimate = declaredLength - bodyOffset - (boundary.length + 8);
              throw s3Errors.tooLarge(Number.isSafeInteger(estimate) && estimate >= seen ? estimate : seen, max);
            }
            await upload.write(chunk);
          },
        };
      },
      onField: (part, value) => {
        // Repeated fields are comma-joined for policy purposes (V2FORMS note).
        const name = part.name.toLowerCase();
        const previous = fields.get(name);
        fields.set(name, previous === undefined ? value : `${previous},${value}`);
      },
      onFileEnd: () => {
        fileDone = true;
      },
    });
    if (filePart === undefined || !fileDone || temp === undefined) {
      throw fields.has('key') ? s3Errors.fileCount(0) : s3Errors.missingField('key');
    }
    authorised ??= authorise(ctx, faults, fields, filePart);
    const { range } = authorised;
    if (temp.size < range.min) throw s3Errors.tooSmall(temp.size, range.min);
    if (temp.size > range.max) throw s3Errors.tooLarge(temp.size, range.max);
    const object = await ctx.store.commit(temp, authorised.key, fields.get('content-type') ?? DEFAULT_CONTENT_TYPE, ctx.clock.now());
    temp = undefined;
    await sendSuccess(ctx, fields, object, reply);
  } catch (error) {
    await temp?.discard();
    // The body was not read to its end: close the connection instead of draining a large upload.
    if (!request.raw.readableEnded) reply.header('connection', 'close');
    throw error;
  }
}

/** The redirect text as sent when it is an absolute http(s) URL ("If Amazon S3 cannot interpret the
 * URL, it ignores the field"), else undefined. */
function redirectTarget(text: string | undefined): string | undefined {
  if (text === undefined || !URL.canParse(text)) return undefined;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:' ? text : undefined;
}

async function sendSuccess(ctx: PostContext, fields: ReadonlyMap<string, string>, object: StoredObject, reply: FastifyReply): Promise<void> {
  const { bucket } = ctx.credentials;
  const etag = `"${object.md5}"`;
  const location = `${ctx.baseUrl()}/${bucket}/${encodeKeyPath(object.key)}`;
  reply.header('etag', etag);
  const redirect = redirectTarget(fields.get('success_action_redirect') ?? fields.get('redirect'));
  if (redirect !== undefined) {
    const query = `bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(object.key)}&etag=${encodeURIComponent(etag)}`;
    const target = `${redirect}${redirect.includes('?') ? '&' : '?'}${query}`;
    await reply.code(303).header('location', target).send();
    return;
  }
  reply.header('location', location);
  const status = fields.get('success_action_status');
  if (status === '201') {
    const body =
      `${XML_DECLARATION}<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket)}</Bucket>` +
      `<Key>${escapeXml(object.key)}</Key><ETag>${escapeXml(etag)}</ETag></PostResponse>`;
    await reply.code(201).header('content-type', 'application/xml').send(body);
    return;
  }
  await reply.code(status === '200' ? 200 : status === '204' ? 204 : ctx.successStatus).send();
}
