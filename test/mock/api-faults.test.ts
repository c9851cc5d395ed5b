import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { authHeader } from '../support/auth.ts';

const FULL = authHeader('mock-full-access');
const REQ = { fileUploadContext: 'CandidateResume', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 3 };

let s: MockServer;
async function call(endpoint: string, body: unknown, headers: Record<string, string> = FULL) {
  const res = await fetch(`${s.baseUrl}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const control = (path: string, body?: unknown) => fetch(`${s.baseUrl}/_control/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => { s = await startMockServer({ enableTestControl: true }); });
afterAll(async () => { await s.close(); });
beforeEach(() => s.setFaults([]));

describe('api faults', () => {
  it('no-auth-check lets a keyless call through', async () => {
    expect((await call('candidate.create', { name: 'x' }, {})).status).toBe(401);
    s.setFaults(['no-auth-check']);
    expect((await call('candidate.create', { name: 'x' }, {})).body.success).toBe(true);
  });
  it('no-permission-check lets a read-only key write', async () => {
    s.setFaults(['no-permission-check']);
    expect((await call('file.createFileUploadHandle', REQ, authHeader('mock-read-only'))).body.success).toBe(true);
  });
  it('accept-missing-field and accept-bad-context each waive one rule', async () => {
    s.setFaults(['accept-missing-field']);
    expect((await call('file.createFileUploadHandle', { ...REQ, contentLength: undefined })).body.success).toBe(true);
    expect((await call('file.createFileUploadHandle', { ...REQ, fileUploadContext: 'Bogus' })).body.success).toBe(false);
    s.setFaults(['accept-bad-context']);
    expect((await call('file.createFileUploadHandle', { ...REQ, fileUploadContext: 'Bogus' })).body.success).toBe(true);
    expect((await call('file.createFileUploadHandle', { ...REQ, contentLength: undefined })).body.success).toBe(false);
  });
  it('long-expiry presigns for days', async () => {
    s.setFaults(['long-expiry']);
    const r = await call('file.createFileUploadHandle', REQ);
    const policy = JSON.parse(Buffer.from(r.body.results.fields.Policy, 'base64').toString());
    expect(Date.parse(policy.expiration) - Date.now()).toBeGreaterThan(24 * 3_600_000);
  });
  it('response-schema-drift breaks the handle shape', async () => {
    s.setFaults(['response-schema-drift']);
    const r = await call('file.createFileUploadHandle', REQ);
    expect(r.body.results.url).toBeUndefined();
  });
  it('handle-before-upload, cross-context-handle, cross-org-handle', async () => {
    const cand = (await call('candidate.create', { name: 'x' })).body.results;
    const h = (await call('file.createFileUploadHandle', REQ)).body.results.handle;
    s.setFaults(['handle-before-upload', 'cross-context-handle']);
    expect((await call('candidate.uploadFile', { candidateId: cand.id, fileHandle: h })).body.success).toBe(true);
    const h2 = (await call('file.createFileUploadHandle', REQ, authHeader('mock-other-org'))).body.results.handle;
    s.setFaults(['handle-before-upload']);
    expect((await call('candidate.uploadResume', { candidateId: cand.id, resumeHandle: h2 })).body.errorInfo.code).toBe('file_upload_handle_not_found');
    s.setFaults(['handle-before-upload', 'cross-org-handle']);
    expect((await call('candidate.uploadResume', { candidateId: cand.id, resumeHandle: h2 })).body.success).toBe(true);
  });
  it('error-as-500 sends validation errors as HTTP 500', async () => {
    s.setFaults(['error-as-500']);
    const r = await call('file.createFileUploadHandle', { ...REQ, contentLength: 'x' });
    expect([r.status, r.body.errorInfo.code]).toEqual([500, 'invalid_input']);
  });
});

describe('answer faults (one otherwise-valid kind of request each)', () => {
  it('server-error-on-extra-field answers 500 only to a handle request with an unknown field', async () => {
    s.setFaults(['server-error-on-extra-field']);
    const r = await call('file.createFileUploadHandle', { ...REQ, unexpectedField: 'x' });
    expect([r.status, r.body.errorInfo.code]).toEqual([500, 'internal_error']);
    expect((await call('file.createFileUploadHandle', REQ)).body.success).toBe(true);
    s.setFaults([]);
    expect((await call('file.createFileUploadHandle', { ...REQ, unexpectedField: 'x' })).status).toBe(200);
  });
  it('unclassified-answer answers a 0-byte handle request with HTTP 200 and no envelope', async () => {
    s.setFaults(['unclassified-answer']);
    const r = await call('file.createFileUploadHandle', { ...REQ, contentLength: 0 });
    expect(r.status).toBe(200);
    expect(r.body.success).toBeUndefined();
    expect((await call('file.createFileUploadHandle', REQ)).body.success).toBe(true);
    s.setFaults([]);
    expect((await call('file.createFileUploadHandle', { ...REQ, contentLength: 0 })).body.success).toBe(true);
  });
  it('both still authenticate first', async () => {
    s.setFaults(['server-error-on-extra-field', 'unclassified-answer']);
    expect((await call('file.createFileUploadHandle', { ...REQ, contentLength: 0, unexpectedField: 'x' }, {})).status).toBe(401);
  });
});

describe('transport faults and test control', () => {
  it('random-5xx=1 answers 503 on API and storage routes', async () => {
    s.setFaults(['random-5xx=1']);
    expect((await call('apiKey.info', {})).status).toBe(503);
    const st = await fetch(`${s.baseUrl}/ashby-mock-uploads`, { method: 'POST' });
    expect([st.status, await st.text()]).toEqual([503, expect.stringContaining('<Error>')]);
  });
  it('latency=MS delays answers', async () => {
    s.setFaults(['latency=150']);
    const t = Date.now();
    await call('apiKey.info', {});
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });
  it('control: faults (400 on bad spec), clock, reset, calls without secrets', async () => {
    const bad = await control('faults', { faults: ['bogus'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toContain('unknown fault');
    expect((await control('faults', { faults: ['no-auth-check'] })).status).toBe(200);
    expect((await call('candidate.create', { name: 'x' }, {})).body.success).toBe(true);
    const before = s.clock.now();
    await control('clock', { advanceMs: 60_000 });
    expect(s.clock.now() - before).toBeGreaterThanOrEqual(60_000);
    await control('reset', {});
    expect(s.clock.now() - Date.now()).toBeLessThan(1000);
    expect((await call('candidate.create', { name: 'x' }, {})).status).toBe(401);
    const calls = ((await (await control('calls')).json()) as any).calls;
    expect(calls.at(-1)).toMatchObject({ endpoint: 'candidate.create', status: 401, code: 'missing_api_key' });
    expect(JSON.stringify(calls)).not.toContain('mock-full-access');
  });
});
