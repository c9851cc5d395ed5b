// The embedded mock as a load target: started on an ephemeral 127.0.0.1 port, stopped after the run.
// Imported lazily (a literal dynamic import, typed from the module itself) so the load command does
// not load Fastify unless a run targets the mock.
// Its uploaded files go to a temporary folder that is removed afterwards (a load run writes a lot).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MockHandle {
  baseUrl: string;
  apiKey: string;
  jobPostingId: string;
  close(): Promise<void>;
}

export async function startEmbeddedMock(faults: string[]): Promise<MockHandle> {
  const { startMockServer, DEFAULT_JOB_POSTING_ID, DEFAULT_KEYS } = await import('../mock/index.ts');
  // The first default key has every permission (src/mock/api/keys.ts).
  const apiKey = DEFAULT_KEYS[0]!.key;
  const storageDir = await mkdtemp(join(tmpdir(), 'upload-harness-load-mock-'));
  try {
    const server = await startMockServer({ port: 0, host: '127.0.0.1', faults, storageDir });
    const close = async () => {
      await server.close();
      await rm(storageDir, { recursive: true, force: true });
    };
    return { baseUrl: server.baseUrl, apiKey, jobPostingId: DEFAULT_JOB_POSTING_ID, close };
  } catch (err) {
    await rm(storageDir, { recursive: true, force: true });
    throw err;
  }
}
