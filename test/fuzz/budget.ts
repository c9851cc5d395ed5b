// Fuzz budget: FUZZ_BUDGET=quick (default, `npm test`) or large (`npm run fuzz`, >= 10,000 cases per
// target) or a number. The seed is fixed (FUZZ_SEED overrides) and printed, so a failure replays exactly;
// fast-check prints the seed, path and shrunk counterexample itself.
import fc from 'fast-check';

const raw = process.env.FUZZ_BUDGET ?? 'quick';
export const FUZZ_RUNS = raw === 'large' ? 10_000 : raw === 'quick' ? 120 : Math.max(1, Number.parseInt(raw, 10) || 120);
const FUZZ_SEED = Number.parseInt(process.env.FUZZ_SEED ?? '20261129', 10);
const IS_LARGE = FUZZ_RUNS >= 10_000;
export const FUZZ_TIMEOUT_MS = IS_LARGE ? 900_000 : 30_000;

export function fuzzParams<T>(name: string, runs = FUZZ_RUNS): fc.Parameters<T> {
  console.log(`[fuzz] ${name}: ${runs} runs, seed ${FUZZ_SEED} (FUZZ_BUDGET=${raw})`);
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true };
}
