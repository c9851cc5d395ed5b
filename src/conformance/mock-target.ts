// The embedded mock as a conformance target: started on an ephemeral port with its test-only control
// routes (clock, faults), its default keys and job posting; stopped by the caller.
import type { TargetConfig } from './target.ts';
import type { MockProfile } from '../mock/profile.ts';

export interface MockTarget {
  target: TargetConfig;
  /** Switches the mock's fault modes at run time (the fault matrix). */
  setFaults(specs: string[]): void;
  /** Clock offset and faults back to normal between runs (POST /_control/reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
  /** The profile the mock answers with, when given one. */
  profile?: MockProfile;
}

export async function startMockTarget(options: { timeoutMs: number; profile?: MockProfile | string }): Promise<MockTarget> {
  const { startMockServer, DEFAULT_JOB_POSTING_ID } = await import('../mock/index.ts');
  const server = await startMockServer({ port: 0, enableTestControl: true, ...(options.profile !== undefined ? { profile: options.profile } : {}) });
  // Roles by what the keys can do, not by their names: full = candidatesWrite, limited = same
  // organisation without it, other = another organisation with it.
  const full = server.keys.find((k) => k.permissions.includes('candidatesWrite'));
  const limited = server.keys.find((k) => k.organizationId === full?.organizationId && !k.permissions.includes('candidatesWrite'));
  const other = server.keys.find((k) => k.organizationId !== full?.organizationId && k.permissions.includes('candidatesWrite'));
  if (!full) throw new Error('the mock has no key with candidatesWrite');
  return {
    target: {
      name: 'mock',
      baseUrl: server.baseUrl,
      apiKey: full.key,
      limitedApiKey: limited?.key,
      otherOrgApiKey: other?.key,
      jobPostingId: DEFAULT_JOB_POSTING_ID,
      allowWrites: true,
      slow: false,
      control: true,
      timeoutMs: options.timeoutMs,
    },
    setFaults: (specs) => server.setFaults(specs),
    reset: async () => {
      const res = await fetch(`${server.baseUrl}/_control/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (!res.ok) throw new Error(`mock reset answered HTTP ${res.status}`);
    },
    close: () => server.close(),
    ...(server.profile ? { profile: server.profile } : {}),
  };
}
