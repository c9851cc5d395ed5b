// The harness's own client under random-5xx: with retries off, every injected failure is REPORTED (API:
// status 503 + parsed error envelope; storage: 503 + S3 XML SlowDown), never mistaken for success, and a
// rejected upload stores nothing. With the default retries (429/503, 2 retries) most flows complete and
// still store exactly what was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ApiClient, StorageClient, TransportError, sha256Hex } from '../src/client/index.ts';
import { createFileUploadHandle } from '../src/protocol/requests.ts';
import { startMockServer, type MockServer } from '../src/mock/index.ts';

const KEY = { value: 'mock-full-access', envVar: 'ASHBY_API_KEY' };
let s: MockServer;
beforeAll(async () => { s = await startMockServer(); s.setFaults(['random-5xx=0.2']); });
afterAll(async () => { await s.close(); });

async function flows(n: number, maxRetries: number) {
  const api = new ApiClient({ baseUrl: s.baseUrl, http: { maxRetries, timeoutMs: 10_000, maxRetryAfterMs: 50 } });
  const storage = new StorageClient({ http: { maxRetries, timeoutMs: 10_000, maxRetryAfterMs: 50 } });
  const tally = { ok: 0, apiReported: 0, uploadReported: 0, retriesExhausted: 0 };
  for (let i = 0; i < n; i++) {
    try {
      await flow(i);
    } catch (err) {
      // With retries on, three 503s in a row (0.8 % per request) end as this typed, reported error.
      if (!(err instanceof TransportError) || err.code !== 'retries-exhausted') throw err;
      tally.retriesExhausted++;
    }
  }
  return tally;

  async function flow(i: number): Promise<void> {
    const bytes = randomBytes(100 + i * 37);
    const h = await api.call<{ url: string; fields: Record<string, string> }>(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'a.bin', contentType: 'application/octet-stream', contentLength: bytes.length }), KEY);
    if (h.envelope.kind !== 'success') {
      expect(h.status).toBe(503);
      expect(h.envelope.kind).toBe('error');
      tally.apiReported++;
      return;
    }
    const { url, fields } = h.envelope.results;
    const up = await storage.upload({ url, fields: Object.entries(fields), filename: 'a.bin', contentType: 'application/octet-stream', file: { bytes } });
    if (up.status >= 300) {
      expect(up.status).toBe(503);
      expect(JSON.stringify(up.xml)).toContain('SlowDown');
      expect(s.storage.getObject(fields.key!)).toBeUndefined();
      tally.uploadReported++;
      return;
    }
    expect(s.storage.getObject(fields.key!)?.sha256).toBe(sha256Hex(bytes));
    tally.ok++;
  }
}

describe('client under random-5xx=0.2', () => {
  it('without retries every injected failure is reported, never success', async () => {
    const t = await flows(60, 0);
    expect(t.retriesExhausted).toBe(0);
    console.log(`[reliability] client, no retries: ${JSON.stringify(t)}`);
    expect(t.apiReported + t.uploadReported).toBeGreaterThan(0);
  });
  it('with retries flows complete and store exactly what was sent', async () => {
    const t = await flows(40, 2);
    console.log(`[reliability] client, 2 retries: ${JSON.stringify(t)}`);
    expect(t.ok).toBeGreaterThan(t.apiReported + t.uploadReported + t.retriesExhausted);
  });
});
