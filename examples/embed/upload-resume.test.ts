// The mock embedded in your own test suite (vitest here; jest works alike): started once in beforeAll,
// a fault switched on per test, its clock moved to test the 10-minute expiry in milliseconds, and
// assertions on what it recorded. Imports use the package name, as they would in your project.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, createCandidate } from 'upload-harness/client';
import { DEFAULT_KEYS, MockControlClient, startMockServer, type MockServer } from 'upload-harness/mock';
import { createResumeHandle, uploadResume, uploadToStorage, type AshbyConfig, type ResumeFile } from './upload-resume.ts';

let mock: MockServer;
let config: AshbyConfig;
let candidateId: string;
const apiKey = DEFAULT_KEYS.find((k) => k.permissions.includes('candidatesWrite'))!.key;
const resume = (text = 'my résumé'): ResumeFile => ({ name: 'cv.txt', type: 'text/plain', bytes: new TextEncoder().encode(text) });

beforeAll(async () => {
  mock = await startMockServer({ port: 0, enableTestControl: true }); // 127.0.0.1, an ephemeral port
  config = { baseUrl: mock.baseUrl, apiKey };
  const created = await new ApiClient({ baseUrl: mock.baseUrl }).call<{ id: string }>(createCandidate('Ada Lovelace', 'ada@example.com'), { value: apiKey, envVar: 'ASHBY_API_KEY' });
  if (created.envelope.kind !== 'success') throw new Error('the mock did not create the candidate');
  candidateId = created.envelope.results.id;
});

afterEach(() => {
  mock.setFaults([]); // each test starts without faults and with the real clock
  mock.clock.reset();
});

afterAll(() => mock.close());

describe('uploadResume against the embedded mock', () => {
  it('creates a handle, uploads the file and attaches it', async () => {
    const before = mock.state.calls.length;
    const file = resume();
    const handle = await uploadResume(config, candidateId, file);

    expect(mock.state.calls.slice(before).map((c) => [c.endpoint, c.status])).toEqual([
      ['file.createFileUploadHandle', 200],
      ['candidate.uploadResume', 200],
    ]);
    const stored = mock.storage.listObjects().at(-1)!;
    expect(stored.sha256).toBe(createHash('sha256').update(file.bytes).digest('hex'));
    expect(mock.state.candidates.get(candidateId)?.resumeFileHandle?.handle).toBeDefined();
    expect(handle).toEqual(expect.any(String));
  });

  it('is refused by storage when the file is larger than announced', async () => {
    await expect(uploadResume(config, candidateId, { ...resume('twelve bytes'), declaredLength: 4 })).rejects.toThrow(/storage answered HTTP 400.*EntityTooLarge/s);
  });

  it('with the no-size-check fault the same upload goes through (the fault breaks exactly that rule)', async () => {
    mock.setFaults(['no-size-check']);
    await expect(uploadResume(config, candidateId, { ...resume('twelve bytes'), declaredLength: 4 })).resolves.toEqual(expect.any(String));
  });

  it('gives up when the API is slower than its time-out (latency fault)', async () => {
    mock.setFaults(['latency=1000']);
    await expect(uploadResume({ ...config, timeoutMs: 100 }, candidateId, resume())).rejects.toThrow(/time|abort/i);
  });

  it('reports a 503 instead of hanging or succeeding (random-5xx fault)', async () => {
    mock.setFaults(['random-5xx=1']); // every request answers 503
    await expect(uploadResume(config, candidateId, resume())).rejects.toThrow(/HTTP 503/);
  });

  it('cannot upload after the presigned URL expired (clock moved 10 minutes in milliseconds)', async () => {
    const file = resume();
    const handle = await createResumeHandle(config, file);
    // Through the HTTP control client, as a suite would whose mock runs in another process
    // (`upload-harness mock --enable-test-control`); in-process `mock.clock.advance()` does the same.
    await new MockControlClient(mock.baseUrl).advanceClock(10 * 60_000 + 1_000);
    await expect(uploadToStorage(config, handle, file)).rejects.toThrow(/HTTP 403.*Policy expired/s);
  });
});
