// The changes between two behaviour records: a run against its baseline (`conform --baseline`), or the
// embedded mock against a target (`drift`). Each change has a stable id (what --accept-changes lists),
// a kind, and its before and after. A check either side did not run to an outcome (an interrupted run,
// a skipped check) is not compared, and listed as such: an interruption is no change of the target.
import type { BehaviourChange, BehaviourComparison, BehaviourRecord, ChangeKind, CheckBehaviour, ExchangeBehaviour, RunResults } from '../results/index.ts';

export interface CompareOptions {
  /** Latency shifts are compared only with this (percent, as `load --max-regression`). */
  maxRegressionPct?: number;
  /** Reasons by change id (--accept-changes). */
  accepted?: ReadonlyMap<string, string>;
  /** Whether latency counts at all (drift compares two different servers: it does not). */
  latency?: boolean;
  /** Whether a check skipped on one side only is a change (a baseline: yes; drift, where the target's
   * configuration decides what runs: no, it is not compared). */
  skipIsChange?: boolean;
}

/**
 * A latency shift counts when it exceeds --max-regression AND this many milliseconds: a check of a few
 * milliseconds on loopback moves by more than 10 % from one run to the next without any change of the
 * target (docs/decisions/0182-behaviour-latency.md).
 */
export const LATENCY_FLOOR_MS = 50;

const ASPECTS = ['status', 'envelope', 'errorCode', 's3Code', 'shape', 'fields', 'policy', 'transportError'] as const satisfies ReadonlyArray<keyof ExchangeBehaviour>;

const show = (v: string | number | boolean | readonly string[] | undefined): string => (v === undefined ? '(none)' : typeof v === 'object' ? v.join(', ') : String(v));

const outcome = (c: CheckBehaviour): 'failing' | 'passing' | 'other' => (c.status === 'fail' || c.status === 'error' ? 'failing' : c.status === 'pass' || c.status === 'warn' ? 'passing' : 'other');

/** A check ran to an outcome the target caused (not skipped, not cut short by an interruption). */
const ran = (c: CheckBehaviour): boolean => !c.interrupted && c.status !== 'skip';

/** Exchanges grouped by request label, in order: `POST /candidate.uploadFile#2` is the second such call. */
function byRequest(exchanges: readonly ExchangeBehaviour[]): Map<string, ExchangeBehaviour> {
  const seen = new Map<string, number>();
  const out = new Map<string, ExchangeBehaviour>();
  for (const e of exchanges) {
    const n = (seen.get(e.request) ?? 0) + 1;
    seen.set(e.request, n);
    out.set(n === 1 ? e.request : `${e.request}#${n}`, e);
  }
  return out;
}

function compareCheck(b: CheckBehaviour, a: CheckBehaviour, options: CompareOptions, add: (kind: ChangeKind, id: string, what: string, before: string, after: string) => void): void {
  const ob = outcome(b);
  const oa = outcome(a);
  if (ob === 'passing' && oa === 'failing') add('new-failure', b.id, `${b.level} check now ${a.status}s`, b.status, a.status);
  else if (ob === 'failing' && oa === 'passing') add('fixed-failure', b.id, `${b.level} check now ${a.status}es`, b.status, a.status);
  else if (b.status !== a.status) add('status', b.id, 'status changed', b.status, a.status);
  if (show(b.info) !== show(a.info)) add('info-choice', b.id, 'the target chose differently', b.info.join(' | ') || '(nothing recorded)', a.info.join(' | ') || '(nothing recorded)');
  const before = byRequest(b.exchanges);
  const after = byRequest(a.exchanges);
  for (const label of new Set([...before.keys(), ...after.keys()])) {
    const eb = before.get(label);
    const ea = after.get(label);
    if (!eb || !ea) {
      add('answer', `${b.id}/${label}`, eb ? 'request no longer sent' : 'request newly sent', eb ? `HTTP ${show(eb.status)}` : '(not sent)', ea ? `HTTP ${show(ea.status)}` : '(not sent)');
      continue;
    }
    for (const aspect of ASPECTS) {
      const vb = show(eb[aspect]);
      const va = show(ea[aspect]);
      if (vb !== va) add('answer', `${b.id}/${label}/${aspect}`, `${label}: ${aspect} changed`, vb, va);
    }
  }
  if (options.latency !== false && options.maxRegressionPct !== undefined) {
    const delta = a.latencyMs - b.latencyMs;
    const pct = b.latencyMs === 0 ? (delta === 0 ? 0 : 100) : (delta / b.latencyMs) * 100;
    if (delta > LATENCY_FLOOR_MS && pct > options.maxRegressionPct) add('latency', b.id, `${Math.round(pct)} % slower (more than ${options.maxRegressionPct} %)`, `${b.latencyMs} ms`, `${a.latencyMs} ms`);
  }
}

/** Every change from `before` to `after`; `baseline` names the baseline (file, or the two sides). */
export function compareBehaviour(before: BehaviourRecord, after: BehaviourRecord, baseline: string, options: CompareOptions = {}): BehaviourComparison {
  const changes: BehaviourChange[] = [];
  const notCompared: string[] = [];
  let compared = 0;
  const add = (kind: ChangeKind, at: string, what: string, b: string, a: string) => {
    const check = at.split('/')[0]!;
    const id = `${check}/${kind}${at.slice(check.length)}`;
    const accepted = options.accepted?.get(id);
    changes.push({ id, check, kind, what, before: b, after: a, ...(accepted !== undefined ? { accepted } : {}) });
  };
  const afterById = new Map(after.checks.map((c) => [c.id, c]));
  const beforeIds = new Set(before.checks.map((c) => c.id));
  for (const b of before.checks) {
    const a = afterById.get(b.id);
    if (!a) {
      if (ran(b) && !after.incomplete) add('check-removed', b.id, 'check no longer in the run', b.status, '(absent)');
      else notCompared.push(b.id);
      continue;
    }
    if (!ran(b) || !ran(a)) {
      // A check skipped on both sides for the same reason is simply not compared; skipped on one side only
      // (and not because of an interruption) is a change of what the target allows.
      const skips = options.skipIsChange !== false;
      if (skips && b.status === 'skip' && a.status !== 'skip' && !b.interrupted && ran(a)) add('status', b.id, 'check ran where it was skipped', b.status, a.status);
      else if (skips && a.status === 'skip' && b.status !== 'skip' && !a.interrupted && ran(b)) add('status', b.id, 'check skipped where it ran', b.status, a.status);
      else notCompared.push(b.id);
      continue;
    }
    compared++;
    compareCheck(b, a, options, add);
  }
  for (const a of after.checks) if (!beforeIds.has(a.id) && ran(a)) add('check-added', a.id, 'check new in the run', '(absent)', a.status);
  return {
    baseline,
    ...(options.latency !== false && options.maxRegressionPct !== undefined ? { maxRegressionPct: options.maxRegressionPct } : {}),
    compared,
    notCompared,
    changes,
    ok: changes.every((c) => c.accepted !== undefined),
  };
}

/** The run's results with its changes since the baseline: a change not accepted fails a run that passed (exit 1). */
export function withChanges(results: RunResults, changes: BehaviourComparison): RunResults {
  return { ...results, changes, exitCode: results.exitCode === 0 && !changes.ok ? 1 : results.exitCode };
}
