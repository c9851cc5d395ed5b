// The embedded mock as a load target: started on an ephemeral 127.0.0.1 port, stopped after the run.
// Imported lazily (a literal dynamic import, typed from the module itself) so the load command does
// not load Fastify unless a run targets the mock.
// Its uploaded files go to a temporary folder that is removed afterwards (a load run writes a lot).
// Its test control routes are on (loopback, for the run's lifetime), so faults can be switched during
// a run (POST /_control/faults); every fault it injects, from --mock-fault or switched so, is logged
// with its time and becomes part of the results (a 503 the mock was told to give is not the target's).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectedFault } from '../results/index.ts';

export interface LoadMockTarget {
  baseUrl: string;
  apiKey: string;
  jobPostingId: string;
  /** The faults that were active during [startedAt, finishedAt] (epoch ms), relative to startedAt. */
  faultsDuring(startedAt: number, finishedAt: number): InjectedFault[];
  close(): Promise<void>;
}

interface ActiveFault {
  source: InjectedFault['source'];
  /** Epoch ms; -Infinity: from the mock's start. */
  from: number;
}

type LoggedFault = ActiveFault & { spec: string; until: number };

/** Which fault specs were active when, from the mock's start and every later change. */
class FaultLog {
  private readonly active = new Map<string, ActiveFault>();
  private readonly ended: LoggedFault[] = [];

  constructor(initial: readonly string[]) {
    for (const spec of initial) this.active.set(spec, { source: 'mock-fault', from: -Infinity });
  }

  change(specs: readonly string[], at = Date.now()): void {
    for (const [spec, a] of this.active) {
      if (specs.includes(spec)) continue;
      this.ended.push({ spec, ...a, until: at });
      this.active.delete(spec);
    }
    for (const spec of specs) if (!this.active.has(spec)) this.active.set(spec, { source: 'control-api', from: at });
  }

  during(startedAt: number, finishedAt: number): InjectedFault[] {
    const all: LoggedFault[] = [...this.ended, ...[...this.active].map(([spec, a]) => ({ spec, ...a, until: Infinity }))];
    return all
      .filter((f) => f.until > startedAt && f.from <= finishedAt)
      .sort((a, b) => a.from - b.from)
      .map((f) => ({ spec: f.spec, source: f.source, fromMs: Math.max(0, f.from - startedAt), untilMs: f.until >= finishedAt ? null : f.until - startedAt }));
  }
}

export async function startEmbeddedMock(faults: string[]): Promise<LoadMockTarget> {
  const { startMockServer, DEFAULT_JOB_POSTING_ID, DEFAULT_KEYS } = await import('../mock/index.ts');
  // The first default key has every permission (src/mock/api/keys.ts).
  const apiKey = DEFAULT_KEYS[0]!.key;
  const storageDir = await mkdtemp(join(tmpdir(), 'upload-harness-load-mock-'));
  const log = new FaultLog(faults);
  try {
    const server = await startMockServer({ port: 0, host: '127.0.0.1', faults, storageDir, enableTestControl: true, onFaultsChange: (specs) => log.change(specs) });
    const close = async () => {
      await server.close();
      await rm(storageDir, { recursive: true, force: true });
    };
    return { baseUrl: server.baseUrl, apiKey, jobPostingId: DEFAULT_JOB_POSTING_ID, faultsDuring: (a, b) => log.during(a, b), close };
  } catch (err) {
    await rm(storageDir, { recursive: true, force: true });
    throw err;
  }
}
