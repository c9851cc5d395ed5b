// The mock has ONE request pipeline (src/mock/http-server.ts): the client-recording hook, then Fastify's
// lifecycle (transport faults, caller checks, body parser, the endpoint functions with their API faults).
// The handle route answers every content-type variant and query string the same way, faults apply to the
// very requests a client under test sends, and a recorded call and a fault are seen on the same request —
// the recorder's record and the mock's call history agree on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../../src/protocol/index.ts';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { ClientRecorder } from '../../src/verify/recorder.ts';

let s: MockServer;
const recorder = new ClientRecorder();
beforeAll(async () => {
  s = await startMockServer({ port: 0, recordClient: recorder });
});
afterAll(() => s.close());

const GOOD = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'resume.pdf', contentType: 'application/pdf', contentLength: 102400 });
const HANDLE_URL = () => `${s.baseUrl}/file.createFileUploadHandle`;

/** The answer to `body` with the two JSON content types, and the call history's record of each. */
async function both(body: string, auth: string | undefined) {
  const out = [];
  for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (auth !== undefined) headers.authorization = auth;
    const res = await fetch(HANDLE_URL(), { method: 'POST', headers, body });
    const json = (await res.json()) as Record<string, unknown> & { results?: Record<string, unknown>; errorInfo?: { code: string; message: string } };
    out.push({
      status: res.status,
      contentType: res.headers.get('content-type'),
      success: json.success,
      errors: json.errors,
      error: json.errorInfo ? { code: json.errorInfo.code, message: json.errorInfo.message } : undefined,
      resultKeys: json.results ? Object.keys(json.results).sort() : undefined,
      fieldKeys: json.results?.fields ? Object.keys(json.results.fields as object) : undefined,
      call: s.state.calls.at(-1),
    });
  }
  return out;
}

describe('the handle route, one pipeline', () => {
  const full = basicAuthHeader('mock-full-access');
  const cases: [string, string, string | undefined, number, string | undefined][] = [
    ['valid request', GOOD, full, 200, undefined],
    ['no Authorization', GOOD, undefined, 401, 'missing_api_key'],
    ['unknown key', GOOD, basicAuthHeader('nope'), 403, 'invalid_api_key'],
    ['malformed Authorization', GOOD, 'Bearer x', 403, 'invalid_api_key'],
    ['key without candidatesWrite', GOOD, basicAuthHeader('mock-read-only'), 403, 'missing_endpoint_permission'],
    ['invalid JSON', '{"fileUploadContext":', full, 200, 'invalid_input'],
    ['empty body', '', full, 200, 'invalid_input'],
    ['missing field', JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'a.pdf', contentType: 'application/pdf' }), full, 200, 'invalid_input'],
    ['bad context', JSON.stringify({ fileUploadContext: 'Nope', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 }), full, 200, 'invalid_input'],
    ['JSON null', 'null', full, 200, 'invalid_input'],
  ];
  for (const [name, body, auth, status, code] of cases) {
    it(`answers alike with or without a charset, and records the call: ${name}`, async () => {
      const [plain, charset] = await both(body, auth);
      expect(plain).toEqual(charset);
      expect(plain!.status).toBe(status);
      expect(plain!.error?.code).toBe(code);
      expect(plain!.call).toMatchObject({ endpoint: 'file.createFileUploadHandle', status, ...(code ? { code } : {}) });
    });
  }

  it('a valid request gets a usable handle (url, fields, handle) and is recorded', async () => {
    const [plain] = await both(GOOD, full);
    expect(plain!.status).toBe(200);
    expect(plain!.resultKeys).toEqual(['fields', 'handle', 'url']);
    expect(plain!.call).toMatchObject({ endpoint: 'file.createFileUploadHandle', status: 200, keyTitle: 'Mock full access' });
  });

  it('applies an active API fault to the plain request as to any other', async () => {
    s.setFaults(['error-as-500']);
    try {
      const [plain, charset] = await both('{', full);
      expect(plain!.status).toBe(500);
      expect(plain).toEqual(charset);
    } finally {
      s.setFaults([]);
    }
  });

  it('answers a query string on the same route', async () => {
    const res = await fetch(`${HANDLE_URL()}?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: full }, body: GOOD });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    expect(s.state.calls.at(-1)).toMatchObject({ endpoint: 'file.createFileUploadHandle', status: 200 });
  });
});

describe('faults and client recording are stages of the same pipeline', () => {
  /** Resolves once the recorder saw the answer of its newest request complete (its response's 'close'). */
  async function answered(): Promise<void> {
    while (recorder.requests.at(-1)?.doneAt === undefined) await new Promise((r) => setImmediate(r));
  }

  for (const [fault, status] of [['random-5xx=1', 503], ['error-as-500', 500]] as const) {
    it(`a recorded call under ${fault} is the call the mock answered with the fault`, async () => {
      const callsBefore = s.state.calls.length;
      const seqBefore = recorder.requests.at(-1)?.seq ?? 0;
      s.setFaults([fault]);
      try {
        const body = fault === 'error-as-500' ? '{' : GOOD;
        const res = await fetch(HANDLE_URL(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuthHeader('mock-full-access') }, body });
        const text = await res.text();
        expect(res.status).toBe(status);
        await answered();
        const rec = recorder.requests.at(-1)!;
        expect(rec.seq).toBe(seqBefore + 1);
        expect(rec).toMatchObject({ method: 'POST', url: '/file.createFileUploadHandle', kind: 'api', status, answer: text });
        expect(Buffer.concat(rec.body!).toString()).toBe(body);
        expect(s.state.calls.length).toBe(callsBefore + 1);
        expect(s.state.calls.at(-1)).toMatchObject({ endpoint: 'file.createFileUploadHandle', status });
      } finally {
        s.setFaults([]);
      }
    });
  }

  it('a request the recording stage answers itself never reaches the routes', async () => {
    const callsBefore = s.state.calls.length;
    recorder.interceptor = (_req, res) => {
      res.writeHead(418, { 'content-type': 'text/plain' }).end('intercepted');
      return true;
    };
    try {
      const res = await fetch(HANDLE_URL(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuthHeader('mock-full-access') }, body: GOOD });
      expect([res.status, await res.text()]).toEqual([418, 'intercepted']);
    } finally {
      recorder.interceptor = undefined;
    }
    await answered();
    expect(recorder.requests.at(-1)).toMatchObject({ status: 418, answer: 'intercepted' });
    expect(s.state.calls.length).toBe(callsBefore);
  });
});

describe('many concurrent handle requests', () => {
  it('on separate connections each get their own answer', async () => {
    const { Agent, request } = await import('undici');
    const agent = new Agent({ connections: 64 });
    try {
      const keys = Array.from({ length: 96 }, (_, i) => (i % 3 === 0 ? 'mock-read-only' : 'mock-full-access'));
      const answers = await Promise.all(
        keys.map(async (k) => {
          const res = await request(HANDLE_URL(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuthHeader(k) }, body: GOOD, dispatcher: agent });
          const json = (await res.body.json()) as { success: boolean; results?: { handle: string } };
          return { k, status: res.statusCode, handle: json.results?.handle };
        }),
      );
      for (const a of answers) expect(a.status).toBe(a.k === 'mock-read-only' ? 403 : 200);
      expect(s.state.calls.slice(-96).map((c) => c.status).sort()).toEqual(answers.map((a) => a.status).sort());
      const handles = answers.filter((a) => a.handle).map((a) => a.handle);
      expect(handles).toHaveLength(64);
      expect(new Set(handles).size).toBe(64);
    } finally {
      await agent.close();
    }
  });
});
