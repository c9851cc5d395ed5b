// The results model of a conformance run (results.json is this, versioned; schemas/reports/
// conformance-results.json describes it), its summary counts and its exit code (0 ok, 1 a MUST failed —
// or a SHOULD with --strict, 2 a harness error or a check that errored or never ran: never success
// after a crash). Producers (src/conformance) build it; renderers (src/report) only read it.
import type { BehaviourComparison } from './behaviour.ts';
import type { Exchange } from './exchange.ts';

export const CONFORMANCE_RESULTS_VERSION = 1;

/** The check groups, in report order (a check's group is fixed in the check catalogue). */
export const GROUPS = ['envelope', 'contexts', 'validation', 'permissions', 'expiry', 'storage', 'lifecycle'] as const;
export type CheckGroup = (typeof GROUPS)[number];

/** Evidence levels: MUST (documented), SHOULD (inferred; a warning unless --strict), INFO (never fails). */
export const LEVELS = ['MUST', 'SHOULD', 'INFO'] as const;
export type CheckLevel = (typeof LEVELS)[number];

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
  schemaVersion: typeof CONFORMANCE_RESULTS_VERSION;
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
  /** conform --baseline: the changes since the baseline (a change not accepted fails the run). */
  changes?: BehaviourComparison;
  checks: CheckResult[];
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
