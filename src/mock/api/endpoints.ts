// The JSON endpoints. Each handler takes the caller's key and the parsed body and returns `results`
// or throws ApiError; transport (auth, parsing, envelopes) is in routes.ts.
import { randomUUID } from 'node:crypto';
import type { Endpoint } from '../../protocol/constants.ts';
import type { FileHandleRef } from '../../protocol/responses.ts';
import { validatorFor } from '../../validation/index.ts';
import type { ApiContext } from './context.ts';
import { apiErrors } from './errors.ts';
import { APPLICATION_FORM_DEFINITION, DEFAULT_JOB_POSTING_ID, FAIL_VALIDATION_EMAIL, JOB_POSTING } from './job-posting.ts';
import type { MockKey } from './keys.ts';
import type { CandidateRecord, UploadHandleRecord } from './state.ts';
import { consumeUploadHandle, createUploadHandle } from './upload-handle.ts';
import { checkBody } from './validate-body.ts';

export type Handler = (ctx: ApiContext, key: MockKey, body: unknown) => unknown; // the answer, or a promise of it

const STORED_FILE_TYPE = 'CandidateFile';
/** Lifetime of file.info download URLs (not documented; S3 presigned GETs commonly last minutes). */
const DOWNLOAD_TTL_MS = 10 * 60_000;

/** A request validator, compiled on first use (validatorFor keeps it), so a mock start compiles none. */
const schema = (endpoint: string) => validatorFor(`${endpoint}.request`);

function candidateView(c: CandidateRecord) {
  const email = c.email ? { value: c.email, type: 'Personal', isPrimary: true } : null;
  return {
    id: c.id,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    name: c.name,
    primaryEmailAddress: email,
    emailAddresses: email ? [email] : [],
    phoneNumbers: [],
    socialLinks: [],
    tags: [],
    applicationIds: c.applicationIds,
    ...(c.resumeFileHandle ? { resumeFileHandle: c.resumeFileHandle } : {}),
    fileHandles: c.fileHandles,
    customFields: [],
    profileUrl: `https://app.ashbyhq.com/candidates/${c.id}`,
  };
}

function newCandidate(ctx: ApiContext, organizationId: string, name: string, email?: string): CandidateRecord {
  const now = new Date(ctx.clock.now()).toISOString();
  const c: CandidateRecord = { id: randomUUID(), organizationId, name, email, createdAt: now, updatedAt: now, fileHandles: [], applicationIds: [] };
  ctx.state.candidates.set(c.id, c);
  return c;
}

/** Candidates are per organisation: another org's candidate is "not found", never "forbidden". */
function findCandidate(ctx: ApiContext, key: MockKey, id: string): CandidateRecord {
  const c = ctx.state.candidates.get(id);
  if (!c || c.organizationId !== key.organizationId) throw apiErrors.candidateNotFound(id);
  return c;
}

/** Turns a consumed upload into a stored file of `owner`, with its own opaque handle (SPEC: a
 * different thing from the upload handle). */
export function storeFile(ctx: ApiContext, organizationId: string, ownerId: string, key: string, name: string): FileHandleRef {
  const id = randomUUID();
  const handle = ctx.codec.seal(STORED_FILE_TYPE, id);
  ctx.state.files.set(id, { id, handle, organizationId, ownerId, key, name });
  return { id, name, handle };
}

function attach(ctx: ApiContext, c: CandidateRecord, upload: UploadHandleRecord, asResume: boolean) {
  const ref = storeFile(ctx, c.organizationId, c.id, upload.key, upload.filename);
  // The resume also appears in fileHandles, as in the SPEC's candidate example (same id in both).
  if (asResume) c.resumeFileHandle = ref;
  c.fileHandles.push(ref);
  c.updatedAt = new Date(ctx.clock.now()).toISOString();
  return candidateView(c);
}

/** A file field's value after resolution: JSON mode passes a handle, multipart mode a stored part. */
export type FileValueResolver = (value: unknown, path: string) => Promise<FileHandleRef> | FileHandleRef;

export async function submitApplication(ctx: ApiContext, key: MockKey, body: unknown, resolveFile: FileValueResolver) {
  checkBody(schema('applicationForm.submit'), body);
  const req = body as { jobPostingId: string; applicationForm: { fieldSubmissions: { path: string; value: unknown }[] } };
  if (req.jobPostingId !== DEFAULT_JOB_POSTING_ID) throw apiErrors.jobPostingNotFound(req.jobPostingId);
  const fields = APPLICATION_FORM_DEFINITION.sections.flatMap((s) => s.fields);
  const values = new Map(req.applicationForm.fieldSubmissions.map((s) => [s.path, s.value]));
  for (const path of values.keys()) {
    if (!fields.some((f) => f.field.path === path)) throw apiErrors.unknownFieldPath(path);
  }
  for (const f of fields) {
    const v = values.get(f.field.path);
    if (f.isRequired && (v === undefined || v === null || v === '')) throw apiErrors.requiredField(f.field.title);
    if ((f.field.type === 'String' || f.field.type === 'Email') && typeof v !== 'string') throw apiErrors.fieldNotString(f.field.path);
  }
  const email = values.get('_systemfield_email') as string;
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw apiErrors.invalidEmail();
  if (email.toLowerCase() === FAIL_VALIDATION_EMAIL) throw apiErrors.testAddressRejected();
  const submittedValues: Record<string, unknown> = {};
  const fileRefs: FileHandleRef[] = [];
  for (const f of fields) {
    const v = values.get(f.field.path);
    if (v === undefined) continue;
    if (f.field.type === 'File') {
      const ref = await resolveFile(v, f.field.path);
      fileRefs.push(ref);
      submittedValues[f.field.path] = ref;
    } else submittedValues[f.field.path] = v;
  }
  const candidate = newCandidate(ctx, key.organizationId, values.get('_systemfield_name') as string, email);
  // Files were stored before the candidate existed; hand them over to it.
  for (const ref of fileRefs) {
    const file = ctx.state.files.get(ref.id);
    if (file) file.ownerId = candidate.id; // (a file can only be missing if MAX_RECORDS newer ones came meanwhile)
    candidate.fileHandles.push(ref);
    candidate.resumeFileHandle ??= ref;
  }
  const id = randomUUID();
  candidate.applicationIds.push(randomUUID());
  ctx.state.submissions.set(id, { id, organizationId: key.organizationId, jobPostingId: req.jobPostingId, candidateId: candidate.id, submittedValues });
  return { submittedFormInstance: { id, formDefinition: APPLICATION_FORM_DEFINITION, submittedValues }, formMessages: { blocked: false } };
}

export const HANDLERS: Record<Endpoint, Handler> = {
  'file.createFileUploadHandle': (ctx, key, body) => createUploadHandle(ctx, key.organizationId, body),
  'candidate.create': (ctx, key, body) => {
    checkBody(schema('candidate.create'), body);
    const { name, email } = body as { name: string; email?: string };
    return candidateView(newCandidate(ctx, key.organizationId, name, email));
  },
  'candidate.info': (ctx, key, body) => {
    checkBody(schema('candidate.info'), body);
    return candidateView(findCandidate(ctx, key, (body as { id: string }).id));
  },
  'candidate.uploadResume': (ctx, key, body) => {
    checkBody(schema('candidate.uploadResume'), body);
    const { candidateId, resumeHandle } = body as { candidateId: string; resumeHandle: string };
    const c = findCandidate(ctx, key, candidateId);
    return attach(ctx, c, consumeUploadHandle(ctx, key.organizationId, resumeHandle, 'CandidateResume'), true);
  },
  'candidate.uploadFile': (ctx, key, body) => {
    checkBody(schema('candidate.uploadFile'), body);
    const { candidateId, fileHandle } = body as { candidateId: string; fileHandle: string };
    const c = findCandidate(ctx, key, candidateId);
    return attach(ctx, c, consumeUploadHandle(ctx, key.organizationId, fileHandle, 'CandidateFiles'), false);
  },
  'file.info': (ctx, key, body) => {
    checkBody(schema('file.info'), body);
    const token = (body as { fileHandle: string }).fileHandle;
    const id = ctx.codec.open(STORED_FILE_TYPE, token);
    if (id === undefined) throw apiErrors.fileHandleInvalid();
    const file = ctx.state.files.get(id);
    if (!file || file.organizationId !== key.organizationId) throw apiErrors.fileNotFound();
    // Evicted by the storage caps (docs/reliability.md): gone, as an unknown file.
    if (ctx.storage.getObject(file.key) === undefined) throw apiErrors.fileNotFound();
    return { url: ctx.storage.presignGet(file.key, DOWNLOAD_TTL_MS) };
  },
  'jobPosting.info': (_ctx, _key, body) => {
    checkBody(schema('jobPosting.info'), body);
    if ((body as { jobPostingId: string }).jobPostingId !== DEFAULT_JOB_POSTING_ID) throw apiErrors.jobPostingNotFound();
    return JOB_POSTING;
  },
  'jobPosting.list': () => [{ id: JOB_POSTING.id, title: JOB_POSTING.title, isListed: true }],
  'applicationForm.submit': (ctx, key, body) =>
    submitApplication(ctx, key, body, (value) => {
      if (typeof value !== 'string') throw apiErrors.resumeNotHandle();
      const upload = consumeUploadHandle(ctx, key.organizationId, value, 'ApplicationForm');
      return storeFile(ctx, key.organizationId, '', upload.key, upload.filename);
    }),
  'apiKey.info': (_ctx, key, body) => {
    checkBody(schema('apiKey.info'), body);
    return { title: key.title, createdAt: '2026-01-01T00:00:00.000Z', scopes: key.permissions.map(toScope) };
  },
};

/** `candidatesWrite` → `candidates:write` (the spelling of `jobs:read` in docs/sources.md, "Ashby OpenAPI: apiKey.info"). */
const toScope = (p: string): string => p.replace(/(Read|Write)$/, (m) => `:${m.toLowerCase()}`).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
