// The results model of a conformance run (results.json is this, versioned), the mapping from a vitest
// outcome + the check's level to a status, and the exit code (0 ok, 1 a MUST failed — or a SHOULD with
// --strict, 2 a harness error or a check that errored or never ran: never success after a crash).
import type { Exchange } from '../client/exchange.ts';
import { CHECKS, GROUPS, LEVELS, type CheckDefinition, type CheckGroup, type CheckLevel } from './catalogue.ts';
import type { CheckMeta } from './check.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export const STATUSES = ['pass', 'fail', 'warn', 'skip', 'error'] as const;
export type CheckStatus = (typeof STATUSES)[number];

export interface CheckResult {
  id: string;
  title: string;
  group: CheckGroup;
  level: CheckLevel;
  source: string;
  status: CheckStatus;
  /** One line: why it failed/warned/errored/was skipped. */
  message?: string;
  expected?: string;
  received?: string;
  /** What the target did (INFO checks; notes on others). */
  observations: string[];
  /** Set when the target has a known deviation for this check (conformance/deviations.json). */
  deviation?: string;
  exchanges: Exchange[];
  /** curl reproduction of the last request (secrets redacted). */
  curl?: string;
  durationMs: number;
}

export type Counts = Record<CheckStatus, number> & { total: number };

export interface RunSummary {
  counts: Counts;
  byGroup: Record<CheckGroup, Counts>;
  byLevel: Record<CheckLevel, Counts>;
}

export interface RunResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  tool: 'upload-harness conform';
  target: { name: string; baseUrl: string; mock: boolean };
  options: { strict: boolean; slow: boolean; allowWrites: boolean; only: CheckGroup[] };
  startedAt: string;
  durationMs: number;
  summary: RunSummary;
  /** Problems of the harness itself (a suite that did not load, an unhandled error). */
  harnessErrors: string[];
  exitCode: 0 | 1 | 2;
  /** Set when the run was interrupted (Ctrl-C): the checks are partial, unrun ones skipped. */
  incomplete?: true;
  checks: CheckResult[];
}

export interface RawOutcome {
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** ctx.skip(note) text, or the first error message. */
  note?: string;
  meta?: CheckMeta;
  durationMs: number;
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
  if (outcome.state === 'skipped' || outcome.state === 'pending') return { ...base, status: 'skip', message: outcome.note ?? 'skipped' };
  if (outcome.state === 'passed') return base;
  const failure = meta?.failure;
  if (!failure || failure.kind !== 'failure') {
    return { ...base, status: 'error', message: failure ? `${failure.kind} error: ${failure.message}` : `harness error: ${outcome.note ?? 'the check did not finish'}` };
  }
  const detail = { message: failure.message, expected: failure.expected, received: failure.received };
  if (deviation) return { ...base, ...detail, status: 'warn', message: `known deviation (${deviation}): ${failure.message}` };
  const status: CheckStatus = failure.must || def.level === 'MUST' || (def.level === 'SHOULD' && strict) ? 'fail' : 'warn';
  return { ...base, ...detail, status };
}

/** A catalogued check that produced no result (its suite crashed or never registered it). */
export function notRun(def: CheckDefinition): CheckResult {
  return toCheckResult(def, { state: 'failed', note: 'the check produced no result (its suite did not load or did not register it)', durationMs: 0 }, false);
}

const zero = (): Counts => ({ total: 0, pass: 0, fail: 0, warn: 0, skip: 0, error: 0 });

export function summarise(checks: readonly CheckResult[]): RunSummary {
  const counts = zero();
  const byGroup = Object.fromEntries(GROUPS.map((g) => [g, zero()])) as Record<CheckGroup, Counts>;
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, zero()])) as Record<CheckLevel, Counts>;
  for (const c of checks) {
    for (const bucket of [counts, byGroup[c.group], byLevel[c.level]]) {
      bucket.total++;
      bucket[c.status]++;
    }
  }
  return { counts, byGroup, byLevel };
}

export function exitCodeFor(checks: readonly CheckResult[], harnessErrors: readonly string[]): 0 | 1 | 2 {
  if (checks.some((c) => c.status === 'fail')) return 1;
  if (harnessErrors.length > 0 || checks.some((c) => c.status === 'error')) return 2;
  return 0;
}

/** Results in catalogue order, so results.json is stable between runs. */
export function inCatalogueOrder(checks: readonly CheckResult[]): CheckResult[] {
  const order = new Map(CHECKS.map((c, i) => [c.id, i]));
  return [...checks].sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));
}
