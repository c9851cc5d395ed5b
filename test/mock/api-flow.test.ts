import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_JOB_POSTING_ID, loadKeysFile, startMockServer, type MockServer } from '../../src/mock/index.ts';
import { validate } from '../../src/validation/index.ts';
import { HarnessError } from '../../src/config/errors.ts';
import { authHeader } from '../support/auth.ts';

const run = promisify(execFile);
const FULL = authHeader('mock-full-access');

async function call(s: MockServer, endpoint: string, body: unknown, headers: Record<string, string> = FULL) {
  const res = await fetch(`${s.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function handle(s: MockServer, fileUploadContext: string, bytes: Buffer, headers = FULL) {
  const r = await call(s, 'file.createFileUploadHandle', { fileUploadContext, filename: 'cv.pdf', contentType: 'application/pdf', contentLength: bytes.length }, headers);
  expect(r.body.success).toBe(true);
  return r.body.results as { handle: string; url: string; fields: Record<string, string> };
}

async function upload(h: { url: string; fields: Record<string, string> }, bytes: Buffer) {
  const form = new FormData();
  for (const [k, v] of Object.entries(h.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'cv.pdf');
  const res = await fetch(h.url, { method: 'POST', body: form });
  expect(res.status).toBeLessThan(300);
}

let s: MockServer;
beforeAll(async () => { s = await startMockServer({ enableTestControl: true }); });
afterAll(async () => { await s.close(); });

describe('auth and transport', () => {
  it('401 without Authorization, 403 for unknown or malformed keys, with the error envelope', async () => {
    const none = await call(s, 'candidate.create', { name: 'x' }, {});
    expect(none.status).toBe(401);
    expect(validate('error-envelope', none.body).ok).toBe(true);
    expect(none.body.errorInfo.requestId).toMatch(/^[0-9A-Z]{26}$/);
    expect((await call(s, 'candidate.create', { name: 'x' }, authHeader('nope'))).status).toBe(403);
    const bad = await call(s, 'candidate.create', { name: 'x' }, { authorization: 'Bearer x' });
    expect([bad.status, bad.body.errorInfo.code]).toEqual([403, 'invalid_api_key']);
  });
  it('403 missing_endpoint_permission for a read-only key on a write endpoint', async () => {
    const r = await call(s, 'file.createFileUploadHandle', {}, authHeader('mock-read-only'));
    expect([r.status, r.body.errorInfo.code]).toEqual([403, 'missing_endpoint_permission']);
  });
  it('malformed JSON 200 invalid_input (decision 0002), wrong content type 415, oversized 413, unknown endpoint 404', async () => {
    const m = await call(s, 'candidate.create', '{nope', FULL);
    expect([m.status, m.body.errorInfo.code]).toEqual([200, 'invalid_input']);
    const ct = await fetch(`${s.baseUrl}/candidate.create`, { method: 'POST', headers: { ...FULL, 'content-type': 'text/plain' }, body: 'x' });
    expect([ct.status, ((await ct.json()) as any).errorInfo.code]).toEqual([415, 'unsupported_content_type']);
    const big = await call(s, 'candidate.create', { name: 'x'.repeat(1024 * 1024 + 10) });
    expect([big.status, big.body.errorInfo.code]).toEqual([413, 'payload_too_large']);
    const nf = await call(s, 'nope.nope', {});
    expect([nf.status, nf.body.errorInfo.code]).toEqual([404, 'endpoint_not_found']);
  });
});

describe('file.createFileUploadHandle', () => {
  it('validates and names the field (HTTP 200, success:false)', async () => {
    const r = await call(s, 'file.createFileUploadHandle', { fileUploadContext: 'CandidateResume', filename: 'a', contentType: 'a/b', contentLength: 'x' });
    expect(r.status).toBe(200);
    expect(r.body.errorInfo).toMatchObject({ code: 'invalid_input', message: 'contentLength: must be integer' });
    const ctx = await call(s, 'file.createFileUploadHandle', { fileUploadContext: 'Bogus', filename: 'a', contentType: 'a/b', contentLength: 1 });
    expect(ctx.body.errorInfo.message).toContain('fileUploadContext');
  });
  it('returns a schema-valid response and a safe key for hostile filenames', async () => {
    const r = await call(s, 'file.createFileUploadHandle', { fileUploadContext: 'CandidateFiles', filename: '../../etc/pa\r\nss\u0000wd', contentType: 'text/plain\r\nX: y', contentLength: 3 });
    expect(validate('file.createFileUploadHandle.response', r.body).ok).toBe(true);
    expect(r.body.results.fields.key).toMatch(/^uploads\/[0-9a-f-]+\/[0-9a-f-]+\/[A-Za-z0-9._-]+$/);
    expect(r.body.results.fields['Content-Type']).not.toMatch(/[\r\n]/);
  });
});

describe('handles', () => {
  it('full resume flow, then single use, wrong context, before upload, garbled, other org', async () => {
    const bytes = Buffer.from('%PDF-1.4 resume');
    const cand = (await call(s, 'candidate.create', { name: 'Gob', email: 'gob@example.com' })).body.results;
    const h = await handle(s, 'CandidateResume', bytes);
    const early = await call(s, 'candidate.uploadResume', { candidateId: cand.id, resumeHandle: h.handle });
    expect(early.body.errorInfo.code).toBe('file_upload_not_completed');
    await upload(h, bytes);
    const wrong = await call(s, 'candidate.uploadFile', { candidateId: cand.id, fileHandle: h.handle });
    expect(wrong.body.errorInfo.code).toBe('file_upload_handle_wrong_context');
    const other = await call(s, 'candidate.uploadResume', { candidateId: cand.id, resumeHandle: h.handle }, authHeader('mock-other-org'));
    expect(other.body.errorInfo.code).toBe('candidate_not_found');
    const garbled = await call(s, 'candidate.uploadResume', { candidateId: cand.id, resumeHandle: h.handle.slice(0, -2) + 'xx' });
    expect(garbled.body.errorInfo.code).toBe('file_upload_handle_invalid');
    const ok = await call(s, 'candidate.uploadResume', { candidateId: cand.id, resumeHandle: h.handle });
    expect(ok.body.success).toBe(true);
    expect(validate('candidate', ok.body.results).ok).toBe(true);
    expect(ok.body.results.resumeFileHandle.name).toBe('cv.pdf');
    const again = await call(s, 'candidate.uploadResume', { candidateId: cand.id, resumeHandle: h.handle });
    expect(again.body.errorInfo.code).toBe('file_upload_handle_already_used');
    const info = await call(s, 'candidate.info', { id: cand.id });
    const fi = await call(s, 'file.info', { fileHandle: info.body.results.resumeFileHandle.handle });
    expect(Buffer.from(await (await fetch(fi.body.results.url)).arrayBuffer()).equals(bytes)).toBe(true);
    expect((await call(s, 'file.info', { fileHandle: info.body.results.resumeFileHandle.handle }, authHeader('mock-other-org'))).body.errorInfo.code).toBe('file_not_found');
    expect((await call(s, 'file.info', { fileHandle: h.handle })).body.errorInfo.code).toBe('file_handle_invalid');
    expect((await call(s, 'candidate.info', { id: cand.id }, authHeader('mock-other-org'))).body.errorInfo.code).toBe('candidate_not_found');
  });
  it("another org's handle is not found for that org", async () => {
    const bytes = Buffer.from('abc');
    const h = await handle(s, 'CandidateFiles', bytes, authHeader('mock-other-org'));
    await upload(h, bytes);
    const cand = (await call(s, 'candidate.create', { name: 'A' })).body.results;
    expect((await call(s, 'candidate.uploadFile', { candidateId: cand.id, fileHandle: h.handle })).body.errorInfo.code).toBe('file_upload_handle_not_found');
  });
});

describe('jobPosting, applicationForm.submit, apiKey.info', () => {
  it('jobPosting.info has a File field; unknown id is not found', async () => {
    const r = await call(s, 'jobPosting.info', { jobPostingId: DEFAULT_JOB_POSTING_ID });
    expect(validate('form-definition', r.body.results.applicationFormDefinition).ok).toBe(true);
    expect(JSON.stringify(r.body.results)).toContain('"type":"File"');
    expect((await call(s, 'jobPosting.info', { jobPostingId: 'x' })).body.errorInfo.code).toBe('job_posting_not_found');
  });
  it('JSON mode accepts an ApplicationForm handle and refuses the test address', async () => {
    const bytes = Buffer.from('form file');
    const h = await handle(s, 'ApplicationForm', bytes);
    await upload(h, bytes);
    const form = (email: string) => ({ jobPostingId: DEFAULT_JOB_POSTING_ID, applicationForm: { fieldSubmissions: [{ path: '_systemfield_name', value: 'G' }, { path: '_systemfield_email', value: email }, { path: '_systemfield_resume', value: h.handle }] } });
    const fail = await call(s, 'applicationForm.submit', form('testing-fail-validation@example.com'));
    expect([fail.status, fail.body.success]).toEqual([200, false]);
    const ok = await call(s, 'applicationForm.submit', form('g@example.com'));
    expect(validate('applicationForm.submit.response', ok.body).ok).toBe(true);
    expect(ok.body.results.formMessages.blocked).toBe(false);
  });
  it('multipart mode stores the named file part', async () => {
    const fd = new FormData();
    fd.append('jobPostingId', DEFAULT_JOB_POSTING_ID);
    fd.append('applicationForm', JSON.stringify({ fieldSubmissions: [{ path: '_systemfield_name', value: 'M' }, { path: '_systemfield_email', value: 'm@example.com' }, { path: '_systemfield_resume', value: 'resume_1' }] }));
    fd.append('resume_1', new Blob([Buffer.from('multipart bytes')], { type: 'application/pdf' }), 'r.pdf');
    const res = await fetch(`${s.baseUrl}/applicationForm.submit`, { method: 'POST', headers: FULL, body: fd });
    const body = (await res.json()) as any;
    expect(body.success).toBe(true);
    const ref = body.results.submittedFormInstance.submittedValues._systemfield_resume;
    const url = (await call(s, 'file.info', { fileHandle: ref.handle })).body.results.url;
    expect(await (await fetch(url)).text()).toBe('multipart bytes');
  });
  it('apiKey.info returns title and scopes', async () => {
    const r = await call(s, 'apiKey.info', {}, authHeader('mock-read-only'));
    expect(validate('apiKey.info.response', r.body).ok).toBe(true);
    expect(r.body.results.scopes).toContain('candidates:read');
  });
});

describe('curl end to end', () => {
  it('uploads with curl -F and downloads identical bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'api-curl-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'doc.bin');
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    await writeFile(file, bytes);
    const h = await handle(s, 'CandidateFiles', bytes);
    const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...Object.entries(h.fields).flatMap(([k, v]) => ['-F', `${k}=${v}`]), '-F', `file=@${file}`, h.url];
    const { stdout } = await run('curl', args);
    expect(Number(stdout)).toBeLessThan(300);
    const cand = (await call(s, 'candidate.create', { name: 'C' })).body.results;
    const att = await call(s, 'candidate.uploadFile', { candidateId: cand.id, fileHandle: h.handle });
    const ref = att.body.results.fileHandles[0];
    const url = (await call(s, 'file.info', { fileHandle: ref.handle })).body.results.url;
    const out = join(dir, 'out.bin');
    await run('curl', ['-s', '-o', out, url]);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });
});

describe('keys file', () => {
  it('rejects bad entries with a message naming the entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const p = join(dir, 'k.json');
    await writeFile(p, JSON.stringify([{ key: 'a', title: 't', organizationId: 'o', permissions: ['nope'] }]));
    expect(() => loadKeysFile(p)).toThrow(/entry 0: unknown permission "nope"/);
    await writeFile(p, '{');
    expect(() => loadKeysFile(p)).toThrow(HarnessError);
    expect(() => loadKeysFile(join(dir, 'missing.json'))).toThrow(/cannot read keys file/);
    await writeFile(p, JSON.stringify([{ key: 'a', title: 't', organizationId: 'o', permissions: ['candidatesRead'] }]));
    expect(loadKeysFile(p)[0]!.key).toBe('a');
  });
});
