// Building blocks the suites share: create a handle, upload to it, attach it, read it back. Each one
// asserts only what it must to be a usable step (so a broken step fails the check that uses it with a
// clear message); the checks themselves assert the rule they are about.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  candidateInfo,
  createCandidate,
  createFileUploadHandle,
  FOLLOW_UP,
  fileInfo,
  jobPostingInfo,
  submitApplicationForm,
  uploadFile,
  uploadResume,
  type Candidate,
  type FieldSubmission,
  type UploadContext,
  type UploadHandleResults,
} from '../protocol/index.ts';
import type { ApiKeyRef, ApiResponse, FileSource, StorageResponse } from '../client/index.ts';
import { sha256Hex } from '../client/index.ts';
import { classifyAnswer, expectStorageOk, expectSuccess, fail } from './assert.ts';
import { suiteCache, type CheckContext } from './check.ts';

export interface UploadSpec {
  context: UploadContext;
  filename?: string;
  contentType?: string;
  bytes?: Uint8Array;
  /** Declared contentLength when the file streams from disk (bytes then only a placeholder). */
  size?: number;
}

export interface Handle {
  results: UploadHandleResults;
  fields: Array<[string, string]>;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export const randomFile = (size: number): Uint8Array => new Uint8Array(randomBytes(size));

/** file.createFileUploadHandle with the full key; fails the check when no handle comes back. */
export async function createHandle(c: CheckContext, spec: UploadSpec): Promise<Handle> {
  const bytes = spec.bytes ?? randomFile(64);
  const filename = spec.filename ?? `conformance-${spec.context}.pdf`;
  const contentType = spec.contentType ?? 'application/pdf';
  const res = await c.api.call<UploadHandleResults>(createFileUploadHandle({ fileUploadContext: spec.context, filename, contentType, contentLength: spec.size ?? bytes.length }), c.keys.full);
  const results = expectSuccess(res, 'file.createFileUploadHandle.response', 'file.createFileUploadHandle');
  c.api.secrets.addFields(results.fields);
  return { results, fields: Object.entries(results.fields), filename, contentType, bytes };
}

export interface UploadOverrides {
  fields?: Array<[string, string]>;
  fieldsAfterFile?: Array<[string, string]>;
  file?: FileSource;
}

/** The presigned POST exactly as documented, or with the overrides a storage check needs. */
export function upload(c: CheckContext, h: Handle, overrides: UploadOverrides = {}): Promise<StorageResponse> {
  return c.storage.upload({
    url: h.results.url,
    fields: overrides.fields ?? h.fields,
    fieldsAfterFile: overrides.fieldsAfterFile,
    filename: h.filename,
    contentType: h.contentType,
    file: overrides.file ?? { bytes: h.bytes },
  });
}

/** A handle whose file is stored: create + upload, both required to succeed. */
export async function uploadedHandle(c: CheckContext, spec: UploadSpec): Promise<Handle> {
  const h = await createHandle(c, spec);
  expectStorageOk(await upload(c, h), 'the documented presigned upload');
  return h;
}

const candidates = suiteCache<string, Promise<string>>();

/** The candidate uploads attach to: --candidate-id, else one created per suite (needs --allow-writes). */
export function candidateId(c: CheckContext): Promise<string> {
  if (c.target.candidateId) return Promise.resolve(c.target.candidateId);
  let p = candidates.get(c.target.baseUrl);
  if (!p) {
    p = (async () => {
      const res = await c.api.call<Candidate>(createCandidate('Conformance Check', `conformance+${Date.now()}@example.com`), c.keys.full);
      return expectSuccess(res, 'candidate.response', 'candidate.create').id;
    })();
    p.catch(() => candidates.delete(c.target.baseUrl));
    candidates.set(c.target.baseUrl, p);
  }
  return p;
}

export async function getCandidate(c: CheckContext, id: string, key: ApiKeyRef = c.keys.full): Promise<Candidate> {
  return expectSuccess(await c.api.call<Candidate>(candidateInfo(id), key), 'candidate.response', 'candidate.info');
}

/** Downloads a stored file through file.info and fails unless its SHA-256 equals the uploaded bytes'. */
export async function expectStoredBytes(c: CheckContext, fileHandle: string, bytes: Uint8Array | string): Promise<void> {
  const info = expectSuccess(await c.api.call<{ url: string }>(fileInfo(fileHandle), c.keys.full), 'file.info.response', 'file.info');
  const got = await c.storage.download(info.url);
  if (got.status !== 200) fail('the file.info URL did not download', 'HTTP 200 with the uploaded bytes', `HTTP ${got.status}`);
  const want = typeof bytes === 'string' ? bytes : sha256Hex(bytes);
  if (got.sha256 !== want) fail('downloaded bytes differ from the uploaded ones', `SHA-256 ${want}`, `SHA-256 ${got.sha256} (${got.bytes.length} bytes)`);
}

const formFields = suiteCache<string, Promise<FormFieldInfo[]>>();

interface FormFieldInfo {
  path: string;
  type: string;
  isRequired: boolean;
  selectableValues?: Array<{ value: string }>;
}

/** The posting's form fields (jobPosting.info), read once per suite. */
function postingFields(c: CheckContext): Promise<FormFieldInfo[]> {
  const id = c.target.jobPostingId!;
  let p = formFields.get(id);
  if (!p) {
    p = (async () => {
      const res = await c.api.call<{ applicationFormDefinition?: { sections: Array<{ fields: Array<{ isRequired?: boolean; field: FormFieldInfo }> }> } }>(jobPostingInfo(id), c.keys.full);
      const results = expectSuccess(res, 'jobPosting.info.response', 'jobPosting.info');
      return (results.applicationFormDefinition?.sections ?? []).flatMap((s) => s.fields.map((f) => ({ ...f.field, isRequired: f.isRequired ?? true })));
    })();
    p.catch(() => formFields.delete(id));
    formFields.set(id, p);
  }
  return p;
}

/** Values for every required field by type, with `handle` in the first File field (formats of Ashby docs: applicationForm.submit). */
async function applicationSubmissions(c: CheckContext, handle: string): Promise<FieldSubmission[]> {
  const fields = await postingFields(c);
  const file = fields.find((f) => f.type === 'File');
  if (!file) fail('the job posting has no File field', 'a posting with a field of type File', fields.map((f) => `${f.path}:${f.type}`).join(', ') || 'no fields');
  const value = (f: FormFieldInfo): unknown => {
    if (f === file) return handle;
    switch (f.type) {
      case 'Email': return `conformance+${Date.now()}@example.com`;
      case 'Boolean': return true;
      case 'Number': return 1;
      case 'Date': return '2026-01-01';
      case 'ValueSelect': return f.selectableValues?.[0]?.value ?? 'x';
      case 'MultiValueSelect': return f.selectableValues?.slice(0, 1).map((v) => v.value) ?? [];
      case 'File': return undefined;
      default: return 'Conformance Check';
    }
  };
  return fields.filter((f) => f === file || (f.isRequired && f.type !== 'File')).map((f) => ({ path: f.path, value: value(f) }));
}

/** The follow-up call that consumes a handle of `context` (FOLLOW_UP in src/protocol). */
export async function followUp(c: CheckContext, context: UploadContext, handle: string, key: ApiKeyRef = c.keys.full, candidate?: string): Promise<ApiResponse> {
  const endpoint = FOLLOW_UP[context].endpoint;
  if (endpoint === 'applicationForm.submit') {
    return c.api.call(submitApplicationForm({ jobPostingId: c.target.jobPostingId!, fieldSubmissions: await applicationSubmissions(c, handle) }), key);
  }
  const id = candidate ?? (await candidateId(c));
  return c.api.call(endpoint === 'candidate.uploadResume' ? uploadResume(id, handle) : uploadFile(id, handle), key);
}

/** A temporary file of `size` random bytes, written in chunks (never held whole in memory). */
export async function withTempFile<T>(size: number, use: (path: string, sha256: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-'));
  const path = join(dir, 'large.bin');
  try {
    const hash = createHash('sha256');
    const out = createWriteStream(path);
    for (let left = size; left > 0; left -= 1 << 20) {
      const chunk = randomBytes(Math.min(left, 1 << 20));
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return await use(path, hash.digest('hex'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lets `ms` pass for the target: the mock's clock control (POST /_control/clock) moves time at once;
 * a real target (only with --slow) is waited for in real time. */
export async function letTimePass(c: CheckContext, ms: number): Promise<void> {
  if (!c.target.control) return new Promise((r) => setTimeout(r, ms));
  const res = await c.storage.postRaw(`${c.target.baseUrl.replace(/\/+$/, '')}/_control/clock`, JSON.stringify({ advanceMs: ms }), 'application/json');
  if (res.status >= 300) throw new Error(`the mock's clock control answered HTTP ${res.status}`);
}

/** After a rejected upload nothing may be stored (S3 "never stores partial objects"). Provable on any
 * target without reading the bucket: the handle must stay unusable, so its follow-up is refused. */
export async function expectNothingStored(c: CheckContext, h: Handle, context: UploadContext): Promise<void> {
  if (!c.target.candidateId && !c.target.allowWrites) {
    c.observe('not verified that nothing was stored: needs --candidate-id or --allow-writes for the follow-up call');
    return;
  }
  const res = await followUp(c, context, h.results.handle);
  if (classifyAnswer(res, 'the follow-up call after the rejected upload') === 'accepted') fail('the rejected upload was stored: its handle was accepted by the follow-up call', 'the follow-up refuses the handle (nothing stored)', `HTTP ${res.status} success:true`);
}

/** Fields with one entry replaced (name matched case-insensitively, as S3 matches field names). */
export function withField(fields: Array<[string, string]>, name: string, value: (old: string) => string): Array<[string, string]> {
  const i = fields.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
  if (i === -1) fail(`the presigned form has no ${name} field`, `a ${name} field in results.fields`, fields.map(([k]) => k).join(', '));
  return fields.map(([k, v], j) => [k, j === i ? value(v) : v]);
}

export function withoutField(fields: Array<[string, string]>, name: string): Array<[string, string]> {
  withField(fields, name, (v) => v);
  return fields.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
}

export function fieldValue(fields: Array<[string, string]>, name: string): string | undefined {
  return fields.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** `20260101T000000Z` (X-Amz-Date) → epoch ms; NaN when malformed. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}
