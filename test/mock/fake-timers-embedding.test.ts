// A test suite that embeds the mock may fake the global timers (vi.useFakeTimers) after starting it: the
// mock still answers, since its own waits and its answer batching use node:timers' functions.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { FULL_ACCESS } from '../support/auth.ts';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
});
afterAll(() => mock.close());

it('creates a handle and takes the upload while the global timers are faked', async () => {
  vi.useFakeTimers();
  try {
    const res = await fetch(`${mock.baseUrl}/file.createFileUploadHandle`, {
      method: 'POST',
      headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' },
      body: JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'cv.pdf', contentType: 'application/pdf', contentLength: 3 }),
    });
    const { results } = (await res.json()) as { results: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [k, v] of Object.entries(results.fields)) form.append(k, v);
    form.append('file', new Blob(['pdf'], { type: 'application/pdf' }), 'cv.pdf');
    const upload = await fetch(results.url, { method: 'POST', body: form });
    expect(upload.status).toBe(204);
  } finally {
    vi.useRealTimers();
  }
}, 5_000);
