// Test helper: verifies a client command the way `verify-client` does (src/verify/verification.ts: the
// clean run on its own mock, then one run per robustness case) and returns the results model.
import { allViolations, type ClientResults } from '../../src/results/client.ts';
import type { StorageCors } from '../../src/mock/storage/cors.ts';
import type { RobustnessFault } from '../../src/verify/robustness.ts';
import { runVerification } from '../../src/verify/verification.ts';

export interface ClientRun {
  results: ClientResults;
  /** The clean run's exit code. */
  exitCode: number | null;
  stderr: string;
}

export interface RunClientOptions {
  env?: Record<string, string>;
  robustness?: RobustnessFault[];
  uploadTtlMs?: number;
  /** Default true: SHOULD violations fail too. */
  strict?: boolean;
  minFlows?: number;
  storageCors?: StorageCors;
}

export async function runClient(command: string[], options: RunClientOptions = {}): Promise<ClientRun> {
  let stderr = '';
  const outcome = await runVerification({
    command,
    env: { ...process.env, ...options.env },
    strict: options.strict ?? true,
    minFlows: options.minFlows ?? 1,
    stdio: ['ignore', 'ignore', 'pipe'],
    onStderr: (text) => (stderr += text),
    ...(options.robustness ? { robustness: options.robustness } : {}),
    ...(options.uploadTtlMs ? { uploadTtlMs: options.uploadTtlMs } : {}),
    ...(options.storageCors ? { storageCors: options.storageCors } : {}),
  });
  return { results: outcome.results, exitCode: outcome.results.command?.exitCode ?? null, stderr };
}

/** The ids of every rule broken in a run (the clean run and every robustness case). */
export function brokenRules(results: ClientResults): string[] {
  return [...new Set(allViolations(results).map((v) => v.ruleId))].sort();
}
