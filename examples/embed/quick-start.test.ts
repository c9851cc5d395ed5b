import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from 'upload-harness/mock';
import { createResumeHandle, uploadResume, uploadToStorage } from './upload-resume.ts'; // your upload code

let mock: MockServer;
beforeAll(async () => { mock = await startMockServer(); });      // 127.0.0.1, a free port
afterAll(() => mock.close());                                    // also removes its temp storage folder

const config = { apiKey: 'mock-full-access', timeoutMs: 5_000, get baseUrl() { return mock.baseUrl; } };
const file = { name: 'cv.txt', type: 'text/plain', bytes: new TextEncoder().encode('my résumé') };

it('gives up on a slow API, and the mock recorded the call it gave up on', async () => {
  mock.setFaults(['latency=3000']);                                // or no-size-check, random-5xx=0.1, …
  await expect(uploadResume({ ...config, timeoutMs: 1_000 }, 'c-1', file)).rejects.toThrow(/time|abort/i);
  await vi.waitFor(() => expect(mock.state.calls).toContainEqual(expect.objectContaining({ endpoint: 'file.createFileUploadHandle', aborted: true })));
  mock.setFaults([]);
});

it('cannot upload once the presigned URL expired', async () => {
  const handle = await createResumeHandle(config, file);
  mock.clock.advance(10 * 60_000 + 1_000);                         // the 10 minutes, in a millisecond
  await expect(uploadToStorage(config, handle, file)).rejects.toThrow(/HTTP 403.*Policy expired/s);
  mock.clock.reset();
});
