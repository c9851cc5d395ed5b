// Fuzzes the mock API's transport: arbitrary endpoints, bodies (JSON values, wrong types, huge strings,
// deep nesting, invalid UTF-8), content types and Authorization headers (missing, duplicated, broken
// Basic). Every answer must be < 500 and, when not success, the documented error envelope; the server
// must still answer a good request afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request } from 'undici';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { ENDPOINTS } from '../../src/protocol/constants.ts';
import { FUZZ_TIMEOUT_MS, fuzzParams } from './budget.ts';

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
let s: MockServer;
beforeAll(async () => { s = await startMockServer(); });
afterAll(async () => { await s.close(); });

const endpoint = fc.oneof(fc.constantFrom(...Object.keys(ENDPOINTS)), fc.string({ maxLength: 40 }).map((x) => encodeURIComponent(x)));
const deep = fc.integer({ min: 1, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const body = fc.oneof(
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.object().map((v) => Buffer.from(JSON.stringify(v))),
  fc.record({ fileUploadContext: fc.anything(), filename: fc.anything(), contentType: fc.anything(), contentLength: fc.anything(), candidateId: fc.anything(), handle: fc.anything() }).map((v) => Buffer.from(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? '{}')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), // invalid UTF-8 and binary
  deep.map((t) => Buffer.from(t)),
  fc.integer({ min: 1, max: 2_000_000 }).map((n) => Buffer.from(`{"filename":"${'a'.repeat(n)}"}`)), // huge, around the 1 MiB limit
  fc.constant(Buffer.alloc(0)),
);
const contentType = fc.option(fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/JSON', ''), fc.string({ maxLength: 30 })), { nil: undefined });
const authValue = fc.oneof(
  fc.constantFrom(basic('mock-full-access:'), basic('mock-read-only:'), basic('mock-other-org:'), basic('mock-full-access'), 'Basic', 'Basic !!!', 'Bearer mock-full-access', 'basic ' + Buffer.from('mock-full-access:x').toString('base64')),
  fc.string({ maxLength: 60 }).map(basic),
  fc.string({ maxLength: 60 }),
);
const auth = fc.array(authValue, { maxLength: 3 }); // 0 = missing, 2+ = duplicated

const headerSafe = (v: string) => v.replace(/[^\t\x20-\x7e]/g, '');

describe('fuzz: API transport', () => {
  it('never answers 5xx, always the envelope on failure, and keeps answering', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(endpoint, body, contentType, auth, async (ep, payload, ct, auths) => {
        cases++;
        const headers: string[] = [];
        for (const a of auths) headers.push('authorization', headerSafe(a));
        if (ct !== undefined) headers.push('content-type', headerSafe(ct));
        const res = await request(`${s.baseUrl}/${ep}`, { method: 'POST', headers, body: payload, headersTimeout: 10_000, bodyTimeout: 10_000 });
        const text = await res.body.text();
        expect(res.statusCode, text).toBeLessThan(500);
        const json = JSON.parse(text);
        if (json.success !== true) {
          expect(json.success).toBe(false);
          expect(Array.isArray(json.errors) && json.errors.length > 0).toBe(true);
          expect(typeof json.errorInfo?.code).toBe('string');
        }
      }),
      fuzzParams('api transport'),
    );
    const ok = await request(`${s.baseUrl}/apiKey.info`, { method: 'POST', headers: { authorization: basic('mock-full-access:'), 'content-type': 'application/json' }, body: '{}' });
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { success: boolean }).success).toBe(true);
    console.log(`[fuzz] api transport: ${cases} cases`);
  }, FUZZ_TIMEOUT_MS);
});
