// Regression: a browser client served from another origin (Uppy's S3 plugin) failed with
// "Unknown error": the storage sent no CORS headers, answered no preflight, and no report said why.
// Now the storage answers as an S3 bucket with a CORS rule (--storage-cors, default any origin): a
// preflight is answered by the rule, an allowed origin gets Access-Control-Allow-Origin on the upload's
// answer (errors included); with a rule that does not allow the page's origin the storage answers as S3
// does (no header; a refused preflight) and client.upload.cors-allowed explains the browser's failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { ClientRecorder } from '../../src/verify/recorder.ts';
import { judgeClient } from '../../src/verify/judge.ts';
import { FULL_ACCESS } from '../support/auth.ts';

const PAGE = 'http://127.0.0.1:5173';
let open: MockServer;
let closed: MockServer;
const recorder = new ClientRecorder();

beforeAll(async () => {
  open = await startMockServer();
  closed = await startMockServer({ storageCors: { allowedOrigins: ['https://app.example.com'] }, recordClient: recorder });
});
afterAll(async () => {
  await open.close();
  await closed.close();
});

async function handle(base: string): Promise<{ url: string; fields: Record<string, string> }> {
  const res = await fetch(`${base}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: JSON.stringify({ fileUploadContext: 'CandidateFiles', filename: 'a.txt', contentType: 'text/plain', contentLength: 5 }) });
  return ((await res.json()) as { results: { url: string; fields: Record<string, string> } }).results;
}

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
  return f;
}

describe('the storage answers CORS as an S3 bucket with a CORS rule', () => {
  it('default (any origin): the preflight is answered and the upload answer carries Access-Control-Allow-Origin', async () => {
    const h = await handle(open.baseUrl);
    const pre = await fetch(h.url, { method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-with' } });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-requested-with');
    const up = await fetch(h.url, { method: 'POST', headers: { origin: PAGE }, body: form(h.fields) });
    expect(up.status).toBe(204);
    expect(up.headers.get('access-control-allow-origin')).toBe('*');
    expect(up.headers.get('access-control-expose-headers')).toContain('ETag');
    // A refusal carries it too, so the page can read the S3 error.
    const bad = await fetch(h.url, { method: 'POST', headers: { origin: PAGE }, body: 'not multipart' });
    expect(bad.status).toBe(412);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a rule that does not allow the page: no header, the preflight refused as S3 does, and the report says why', async () => {
    const pre = await fetch(`${closed.baseUrl}/ashby-mock-uploads`, { method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(403);
    expect(await pre.text()).toContain('<Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await fetch(`${closed.baseUrl}/ashby-mock-uploads`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');

    const startedAt = new Date();
    const h = await handle(closed.baseUrl);
    const up = await fetch(h.url, { method: 'POST', headers: { origin: PAGE }, body: form(h.fields) });
    expect(up.status).toBe(204); // stored — but a browser would not let the page read this answer
    expect(up.headers.get('access-control-allow-origin')).toBeNull();
    const results = judgeClient(recorder.requests, { startedAt, cors: { allowedOrigins: ['https://app.example.com'] } } as Parameters<typeof judgeClient>[1]);
    const v = [...results.flows.flatMap((f) => f.violations), ...results.strayViolations].filter((x) => x.ruleId === 'client.upload.cors-allowed');
    expect(v.map((x) => x.message).sort()).toEqual([
      `a browser on ${PAGE} would block this answer: the answer carried no Access-Control-Allow-Origin (the storage's CORS rule: https://app.example.com)`,
      `a browser on ${PAGE} would block this upload: the preflight was refused (the storage's CORS rule: https://app.example.com)`,
    ]);
    expect(v.every((x) => /network error/.test(x.realAnswer))).toBe(true);
  });
});
