// The lean file.createFileUploadHandle path (src/mock/api/lean-handle.ts) must answer exactly as the
// Fastify route does. Each request is sent twice: once as the lean path takes it (Content-Type exactly
// application/json) and once forced through Fastify (`application/json; charset=utf-8`, which the lean
// path declines); status, envelope shape, error code/message and the recorded call must match, and the
// recorded call's `via` proves WHICH path answered each (so the test fails if the lean path is not
// installed or stops taking its case).
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from '../../src/config/errors.ts';
import { assertLeanPathInstalled } from '../../src/mock/api/lean-handle.ts';
import { basicAuthHeader } from '../../src/protocol/index.ts';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';

let s: MockServer;
beforeAll(async () => {
  s = await startMockServer({ port: 0 });
});
afterAll(() => s.close());

const GOOD = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'resume.pdf', contentType: 'application/pdf', contentLength: 102400 });

async function both(body: string, auth: string | undefined) {
  const out = [];
  for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (auth !== undefined) headers.authorization = auth;
    const res = await fetch(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers, body });
    const json = (await res.json()) as Record<string, unknown> & { results?: Record<string, unknown>; errorInfo?: { code: string; message: string } };
    const { via, ...call } = s.state.calls.at(-1)!;
    out.push({
      via,
      status: res.status,
      contentType: res.headers.get('content-type'),
      success: json.success,
      errors: json.errors,
      error: json.errorInfo ? { code: json.errorInfo.code, message: json.errorInfo.message } : undefined,
      resultKeys: json.results ? Object.keys(json.results).sort() : undefined,
      fieldKeys: json.results?.fields ? Object.keys(json.results.fields as object) : undefined,
      call,
    });
  }
  return out;
}

describe('lean createFileUploadHandle path', () => {
  const full = basicAuthHeader('mock-full-access');
  const cases: [string, string, string | undefined][] = [
    ['valid request', GOOD, full],
    ['no Authorization', GOOD, undefined],
    ['unknown key', GOOD, basicAuthHeader('nope')],
    ['malformed Authorization', GOOD, 'Bearer x'],
    ['key without candidatesWrite', GOOD, basicAuthHeader('mock-read-only')],
    ['invalid JSON', '{"fileUploadContext":', full],
    ['empty body', '', full],
    ['missing field', JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'a.pdf', contentType: 'application/pdf' }), full],
    ['bad context', JSON.stringify({ fileUploadContext: 'Nope', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 }), full],
    ['JSON null', 'null', full],
  ];
  for (const [name, body, auth] of cases) {
    it(`answers like the Fastify route: ${name}`, async () => {
      const [lean, fastify] = await both(body, auth);
      expect([lean!.via, fastify!.via]).toEqual(['lean', 'fastify']);
      expect({ ...lean, via: undefined }).toEqual({ ...fastify, via: undefined });
    });
  }

  it('a valid request gets a usable handle (url, fields, handle) and is recorded', async () => {
    const [lean] = await both(GOOD, full);
    expect(lean!.status).toBe(200);
    expect(lean!.resultKeys).toEqual(['fields', 'handle', 'url']);
    expect(lean!.call).toMatchObject({ endpoint: 'file.createFileUploadHandle', status: 200, keyTitle: 'Mock full access' });
  });

  it('steps aside while a fault is active (Fastify applies it)', async () => {
    s.setFaults(['error-as-500']);
    try {
      const [lean, fastify] = await both('{', full);
      expect(lean!.status).toBe(500);
      expect(lean!.via).toBe('fastify');
      expect(lean).toEqual(fastify);
    } finally {
      s.setFaults([]);
    }
  });

  it('leaves other routes and query strings to Fastify', async () => {
    const res = await fetch(`${s.baseUrl}/file.createFileUploadHandle?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: full }, body: GOOD });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { success: boolean }).success).toBe(true);
    expect(s.state.calls.at(-1)).toMatchObject({ endpoint: 'file.createFileUploadHandle', status: 200, via: 'fastify' });
  });

  it('start-up refuses a server the lean path is not installed on', () => {
    const bare = createServer();
    expect(() => assertLeanPathInstalled(bare)).toThrow(HarnessError);
    expect(() => assertLeanPathInstalled(bare)).toThrow(/lean file\.createFileUploadHandle path could not be installed/);
  });
});

describe('lean path answers written in batches', () => {
  it('many concurrent requests on separate connections each get their own answer', async () => {
    const { Agent, request } = await import('undici');
    const agent = new Agent({ connections: 64 });
    try {
      const keys = Array.from({ length: 96 }, (_, i) => (i % 3 === 0 ? 'mock-read-only' : 'mock-full-access'));
      const answers = await Promise.all(
        keys.map(async (k) => {
          const res = await request(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuthHeader(k) }, body: GOOD, dispatcher: agent });
          const json = (await res.body.json()) as { success: boolean; results?: { handle: string } };
          return { k, status: res.statusCode, handle: json.results?.handle };
        }),
      );
      for (const a of answers) expect(a.status).toBe(a.k === 'mock-read-only' ? 403 : 200);
      expect(s.state.calls.slice(-96).every((c) => c.via === 'lean')).toBe(true);
      const handles = answers.filter((a) => a.handle).map((a) => a.handle);
      expect(handles).toHaveLength(64);
      expect(new Set(handles).size).toBe(64);
    } finally {
      await agent.close();
    }
  });
});
