// The per-connection auth memo (src/mock/api/auth.ts authenticateConnection) must never let a
// different header through: only the exact header that already passed the full constant-time check
// on the same connection is reused. Checked with the timingSafeEqual spy (is the full check run?)
// and end to end over one keep-alive connection.
import { describe, expect, it, vi } from 'vitest';
import { Client } from 'undici';
import { startMockServer } from '../../src/mock/index.ts';
import { basicAuthHeader } from '../../src/protocol/index.ts';

const spy = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    spy.calls++;
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

const { authenticateConnection } = await import('../../src/mock/api/auth.ts');
const { DEFAULT_KEYS } = await import('../../src/mock/api/keys.ts');

const full = basicAuthHeader('mock-full-access');
const readOnly = basicAuthHeader('mock-read-only');

describe('authenticateConnection', () => {
  it('reuses the result only for the identical header on the same connection', () => {
    const keys = new Map(DEFAULT_KEYS.map((k) => [k.key, k]));
    const conn = {};
    spy.calls = 0;
    expect(authenticateConnection(conn, full, keys).title).toBe('Mock full access');
    const fullCheck = spy.calls;
    expect(fullCheck).toBe(keys.size);
    expect(authenticateConnection(conn, full, keys).title).toBe('Mock full access');
    expect(spy.calls).toBe(fullCheck); // memo: no second comparison pass
    // Another header on the same connection: full check again, and its own answer.
    expect(authenticateConnection(conn, readOnly, keys).title).toBe('Mock read only');
    expect(spy.calls).toBe(2 * fullCheck);
    expect(() => authenticateConnection(conn, basicAuthHeader('mock-full-accesX'), keys)).toThrow(/Invalid API key/);
    expect(() => authenticateConnection(conn, undefined, keys)).toThrow(/Missing Authorization/);
    // Another connection never sees this one's memo.
    spy.calls = 0;
    authenticateConnection({}, full, keys);
    expect(spy.calls).toBe(keys.size);
  });

  it('never remembers a failure, and forgets when the key set changes in place', () => {
    const keys = new Map(DEFAULT_KEYS.map((k) => [k.key, k]));
    const conn = {};
    const bad = basicAuthHeader('nope');
    expect(() => authenticateConnection(conn, bad, keys)).toThrow(/Invalid API key/);
    expect(() => authenticateConnection(conn, bad, keys)).toThrow(/Invalid API key/);
    expect(authenticateConnection(conn, full, keys).title).toBe('Mock full access');
    keys.delete('mock-full-access');
    expect(() => authenticateConnection(conn, full, keys)).toThrow(/Invalid API key/);
  });
});

describe('one keep-alive connection, mixed keys', () => {
  it('each request is answered for its own key', async () => {
    const mock = await startMockServer({ port: 0 });
    const client = new Client(mock.baseUrl, { pipelining: 1 });
    try {
      const body = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 });
      const post = async (authorization?: string) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (authorization) headers.authorization = authorization;
        const res = await client.request({ path: '/file.createFileUploadHandle', method: 'POST', headers, body });
        return { status: res.statusCode, json: (await res.body.json()) as { success: boolean; errorInfo?: { code: string } } };
      };
      const seen = [];
      for (const auth of [full, full, readOnly, basicAuthHeader('nope'), undefined, full]) {
        const r = await post(auth);
        seen.push([r.status, r.json.success, r.json.errorInfo?.code]);
      }
      expect(seen).toEqual([
        [200, true, undefined],
        [200, true, undefined],
        [403, false, 'missing_endpoint_permission'],
        [403, false, 'invalid_api_key'],
        [401, false, 'missing_api_key'],
        [200, true, undefined],
      ]);
    } finally {
      await client.close();
      await mock.close();
    }
  });
});
