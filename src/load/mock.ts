// The embedded mock as a load target: started on an ephemeral 127.0.0.1 port, stopped after the run.
// Imported lazily (by a computed specifier) so the load command does not load Fastify unless needed.
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

interface MockModule {
  startMockServer(options: { port: number; faults?: string[]; host?: string; storageDir?: string }): Promise<{ baseUrl: string; close(): Promise<void> }>;
  DEFAULT_KEYS: unknown;
  DEFAULT_JOB_POSTING_ID: string;
}

const MOCK_MODULE = '../mock/index.ts';
export const MOCK_FULL_ACCESS_KEY = 'mock-full-access';

export async function startEmbeddedMock(faults: string[]): Promise<MockHandle> {
  const mod = (await import(MOCK_MODULE)) as MockModule;
  const storageDir = await mkdtemp(join(tmpdir(), 'upload-harness-load-mock-'));
  try {
    const server = await mod.startMockServer({ port: 0, host: '127.0.0.1', faults, storageDir });
    const close = async () => {
      await server.close();
      await rm(storageDir, { recursive: true, force: true });
    };
    return { baseUrl: server.baseUrl, apiKey: MOCK_FULL_ACCESS_KEY, jobPostingId: mod.DEFAULT_JOB_POSTING_ID, close };
  } catch (err) {
    await rm(storageDir, { recursive: true, force: true });
    throw err;
  }
}
