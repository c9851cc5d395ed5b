// From a vitest outcome to a check result (the model itself is src/results/conformance.ts): the
// mapping of outcome + the check's level (+ --strict, + a known deviation) to a status, the result of
// a check that never ran, and catalogue order.
import type { CheckResult, CheckStatus } from '../results/index.ts';
import { CHECKS, type CheckDefinition } from './catalogue.ts';
import type { CheckMeta } from './check.ts';

export interface RawOutcome {
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** ctx.skip(note) text, or the first error message. */
  note?: string;
  meta?: CheckMeta;
  durationMs: number;
}

/** The run-scoped check that judges every exchange of a run (src/conformance/server-errors.ts). */
export const NO_SERVER_ERROR = 'envelope.no-server-error';

/** The message of a skip with no reason given: a check skipping itself always gives one (check.ts), so
 * this is a test vitest never started — in an interrupted run, one the interruption cancelled. */
const NO_SKIP_REASON = 'skipped';
/** vitest's note on a test it stopped because the run was cancelled. */
const VITEST_CANCELLED = 'The test run was aborted by the user.';
export const INTERRUPTED = 'not run: the run was interrupted';

/** In an interrupted run: a check the interruption kept from running says so, whoever skipped it. */
export function markInterrupted(r: CheckResult): CheckResult {
  return r.status === 'skip' && (r.message === NO_SKIP_REASON || r.message === VITEST_CANCELLED) ? { ...r, message: INTERRUPTED } : r;
}

/** vitest outcome + level (+ --strict, + known deviation) → the check's status and message. */
export function toCheckResult(def: CheckDefinition, outcome: RawOutcome, strict: boolean, deviation?: string): CheckResult {
  const meta = outcome.meta;
  const exchanges = meta?.exchanges ?? [];
  const base: CheckResult = {
    id: def.id,
    title: def.title,
    group: def.group,
    level: def.level,
    source: def.source,
    status: 'pass',
    observations: meta?.observations ?? [],
    exchanges,
    curl: exchanges.at(-1)?.curl,
    durationMs: Math.round(outcome.durationMs),
    ...(deviation ? { deviation } : {}),
  };
  if (outcome.state === 'skipped' || outcome.state === 'pending') return { ...base, status: 'skip', message: outcome.note ?? NO_SKIP_REASON };
  if (outcome.state === 'passed') return base;
  const failure = meta?.failure;
  if (!failure || failure.kind !== 'failure') {
    return { ...base, status: 'error', message: failure ? `${failure.kind} error: ${failure.message}` : `harness error: ${outcome.note ?? 'the check did not finish'}` };
  }
  const detail = { message: failure.message, expected: failure.expected, received: failure.received };
  // An INFO check records; it never fails. An answer outside the documented classes is still a failure
  // of the target: envelope.no-server-error fails for it, naming this check (decision 0135).
  if (def.level === 'INFO' && failure.must) return { ...base, ...detail, status: 'warn', message: `${failure.message} — recorded; it fails ${NO_SERVER_ERROR}` };
  if (deviation) return { ...base, ...detail, status: 'warn', message: `known deviation (${deviation}): ${failure.message}` };
  const status: CheckStatus = failure.must || def.level === 'MUST' || (def.level === 'SHOULD' && strict) ? 'fail' : 'warn';
  return { ...base, ...detail, status };
}

/** A catalogued check that produced no result (its suite crashed or never registered it). */
export function notRun(def: CheckDefinition): CheckResult {
  return toCheckResult(def, { state: 'failed', note: 'the check produced no result (its suite did not load or did not register it)', durationMs: 0 }, false);
}

/** Results in catalogue order, so results.json is stable between runs. */
export function inCatalogueOrder(checks: readonly CheckResult[]): CheckResult[] {
  const order = new Map(CHECKS.map((c, i) => [c.id, i]));
  return [...checks].sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
}
