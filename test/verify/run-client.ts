// Test helper: runs a client command against a verify-client session (mock + recorder) and judges it.
import { spawn } from 'node:child_process';
import type { ClientResults } from '../../src/results/client.ts';
import type { RobustnessFault } from '../../src/verify/robustness.ts';
import { startVerifySession } from '../../src/verify/session.ts';

export interface ClientRun {
  results: ClientResults;
  exitCode: number | null;
  stderr: string;
}

export async function runClient(command: string[], options: { env?: Record<string, string>; robustness?: RobustnessFault[]; uploadTtlMs?: number; strict?: boolean } = {}): Promise<ClientRun> {
  const session = await startVerifySession({ ...(options.robustness ? { robustness: options.robustness } : {}), ...(options.uploadTtlMs ? { uploadTtlMs: options.uploadTtlMs } : {}) });
  try {
    const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...session.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
    const results = session.judge({ strict: options.strict ?? true, command: { argv: command, exitCode } });
    return { results, exitCode, stderr };
  } finally {
    await session.close();
  }
}

/** The ids of every rule broken in a run (flows and stray requests). */
export function brokenRules(results: ClientResults): string[] {
  return [...new Set([...results.flows.flatMap((f) => f.violations), ...results.strayViolations].map((v) => v.ruleId))].sort();
}
