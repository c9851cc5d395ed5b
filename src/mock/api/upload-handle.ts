// file.createFileUploadHandle and the consumption of its handles, as plain functions independent of
// Fastify (so a faster transport could call them later).
import { randomUUID } from 'node:crypto';
import { FOLLOW_UP, type UploadContext } from '../../protocol/constants.ts';
import type { UploadHandleResults } from '../../protocol/responses.ts';
import { validatorFor } from '../../validation/index.ts';
import { type ApiContext, hasFault } from './context.ts';
import { adoptedRefusal as refuse, apiErrors } from './errors.ts';
import { handleExtraValues } from '../profile.ts';
import type { UploadHandleRecord } from './state.ts';
import { checkBody } from './validate-body.ts';

const UPLOAD_HANDLE_TYPE = 'FileUpload';
const DOCUMENTED_MEMBERS = new Set(['fileUploadContext', 'filename', 'contentType', 'contentLength']);

/** `long-expiry` fault: a week instead of the documented 10 minutes. */
const LONG_EXPIRY_MS = 7 * 24 * 3_600_000;

/** Compiled on the first request (validatorFor keeps it), not when the mock starts. */
const requestSchema = () => validatorFor('file.createFileUploadHandle.request');

/** A filename the reduction below would leave unchanged. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** The object key: server-chosen; the filename is reduced to a safe basename so CRLF, NUL, `../` or
 * slashes can never steer where the object lands or break the policy. */
export function objectKey(organizationId: string, id: string, filename: string): string {
  if (SAFE_NAME.test(filename)) return `uploads/${organizationId}/${id}/${filename}`; // already safe: the common case
  const base = filename.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 128);
  return `uploads/${organizationId}/${id}/${safe || 'file'}`;
}

/** Control characters in contentType would break the policy conditions; fold them to spaces. */
// eslint-disable-next-line no-control-regex -- control characters are what this folds away
const cleanContentType = (t: string): string => t.replace(/[\u0000-\u001f\u007f]/g, ' ').trim() || 'application/octet-stream';

export function createUploadHandle(ctx: ApiContext, organizationId: string, body: unknown): UploadHandleResults {
  const lenient = hasFault(ctx, 'accept-missing-field') || hasFault(ctx, 'accept-bad-context');
  if (!lenient) checkBody(requestSchema(), body);
  else {
    // Each fault waives exactly one rule; the other rules still apply.
    const b = (body ?? {}) as Record<string, unknown>;
    const missing = ['fileUploadContext', 'filename', 'contentType', 'contentLength'].filter((f) => b[f] === undefined);
    if (missing.length > 0 && !hasFault(ctx, 'accept-missing-field')) throw apiErrors.missingField(missing[0]!);
    const patched = { fileUploadContext: 'CandidateResume', filename: 'file', contentType: 'application/octet-stream', contentLength: 0, ...b };
    if (hasFault(ctx, 'accept-bad-context') && !(FOLLOW_UP as Record<string, unknown>)[patched.fileUploadContext as string]) patched.fileUploadContext = 'CandidateResume';
    checkBody(requestSchema(), patched);
    body = patched;
  }
  const req = body as { fileUploadContext: UploadContext; filename: string; contentType: string; contentLength: number };
  // Open points a profile may decide, only once every documented rule above has passed.
  const { extraHandleField, zeroByte } = ctx.profile;
  if (extraHandleField !== undefined && extraHandleField !== 'ignore' && Object.keys(req).some((k) => !DOCUMENTED_MEMBERS.has(k))) throw refuse(extraHandleField);
  if (zeroByte !== undefined && zeroByte !== 'accept' && req.contentLength === 0) throw refuse(zeroByte);
  const id = randomUUID();
  const key = objectKey(organizationId, id, req.filename);
  const contentType = cleanContentType(req.contentType);
  const ttlMs = hasFault(ctx, 'long-expiry') ? LONG_EXPIRY_MS : ctx.uploadTtlMs;
  const presigned = ctx.storage.presignPost({ key, contentType, contentLength: req.contentLength, ttlMs });
  const token = ctx.codec.seal(UPLOAD_HANDLE_TYPE, id);
  const record: UploadHandleRecord = {
    id,
    token,
    context: req.fileUploadContext,
    organizationId,
    key,
    filename: req.filename,
    contentType,
    contentLength: req.contentLength,
    createdAt: ctx.clock.now(),
  };
  ctx.state.uploadHandles.set(id, record);
  if (hasFault(ctx, 'response-schema-drift')) {
    // Breaks the documented shape: `url` renamed and a non-string field value.
    return { handle: token, uploadUrl: presigned.url, fields: { ...presigned.fields, 'x-drift': 1 } } as unknown as UploadHandleResults;
  }
  const answer: UploadHandleResults = { handle: token, url: presigned.url, fields: presigned.fields };
  return ctx.profile.handleExtraMembers === undefined ? answer : { ...answer, ...handleExtraValues(ctx.profile) };
}

/** Resolves and consumes (single-use, docs/decisions/0001-upload-handles.md) an upload handle for the
 * follow-up call of `context`. Checks in order: garbled → unknown (incl. other org) → wrong context →
 * upload not completed → already used. */
export function consumeUploadHandle(ctx: ApiContext, organizationId: string, token: string, context: UploadContext): UploadHandleRecord {
  const id = ctx.codec.open(UPLOAD_HANDLE_TYPE, token);
  if (id === undefined) throw context === 'CandidateFiles' && ctx.profile.unknownHandle ? refuse(ctx.profile.unknownHandle) : apiErrors.handleInvalid();
  const record = ctx.state.uploadHandles.get(id);
  if (!record || (record.organizationId !== organizationId && !hasFault(ctx, 'cross-org-handle'))) {
    throw apiErrors.handleNotFound();
  }
  if (record.context !== context && !hasFault(ctx, 'cross-context-handle')) {
    throw apiErrors.handleWrongContext(record.context, FOLLOW_UP[context].endpoint, context);
  }
  if (!hasFault(ctx, 'handle-before-upload') && ctx.storage.getObject(record.key) === undefined) {
    throw apiErrors.handleNotUploaded();
  }
  const reuse = ctx.profile.handleReuse;
  if (record.usedAt !== undefined && reuse !== 'accept') throw reuse === undefined ? apiErrors.handleAlreadyUsed() : refuse(reuse);
  record.usedAt ??= ctx.clock.now();
  return record;
}
