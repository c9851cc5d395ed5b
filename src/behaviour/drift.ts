// Drift: the embedded mock against a target, as differences of behaviour. The changes between the two
// behaviour records (diff.ts, latency left out: two servers on two networks) are grouped so that one
// behaviour is one difference however many checks show it: answer changes with the same request,
// aspect, before and after are one (a member added to every handle answer), and a check whose own
// verdict or INFO choice differs takes its answer changes with it (a refused extra field: the INFO
// choice, the envelope, the code and the shape of that one answer). Each difference says which side
// follows the documented rule: the side whose MUST/SHOULD checks pass, or, when no such check judges
// it, that the docs leave it open.
import type { BehaviourChange, BehaviourComparison, BehaviourRecord, DriftDifference, RuleVerdict } from '../results/index.ts';
import { compareBehaviour } from './diff.ts';

const CHECK_LEVEL = new Set(['new-failure', 'fixed-failure', 'status', 'info-choice', 'check-added', 'check-removed']);

/** `POST /x/fields` from `check/answer/POST /x#2/fields`: the answer change's request (without #n) and aspect. */
function answerSignature(c: BehaviourChange): string {
  const rest = c.id.slice(`${c.check}/answer/`.length).replace(/#\d+(?=\/|$)/, '');
  return `${rest}|${c.before}|${c.after}`;
}

function ruleOf(changes: readonly BehaviourChange[], mock: BehaviourRecord, target: BehaviourRecord): RuleVerdict {
  const judged = [...new Set(changes.map((c) => c.check))].filter((id) => mock.checks.find((c) => c.id === id)?.level !== 'INFO');
  const failing = (r: BehaviourRecord) => judged.some((id) => ['fail', 'error', 'warn'].includes(r.checks.find((c) => c.id === id)?.status ?? ''));
  const mockFails = failing(mock);
  const targetFails = failing(target);
  if (mockFails && targetFails) return 'neither';
  if (mockFails) return 'target';
  if (targetFails) return 'mock';
  return 'open';
}

/** The differences between the mock's record and the target's, one per behaviour. */
export function driftDifferences(mock: BehaviourRecord, target: BehaviourRecord, comparison: BehaviourComparison = compareBehaviour(mock, target, 'mock vs target', { latency: false })): DriftDifference[] {
  const changes = comparison.changes;
  const parent = changes.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  // A check whose verdict or INFO choice differs: its changes are one group.
  const checkLevel = new Map<string, number>();
  changes.forEach((c, i) => {
    if (!CHECK_LEVEL.has(c.kind)) return;
    const j = checkLevel.get(c.check);
    if (j === undefined) checkLevel.set(c.check, i);
    else union(i, j);
  });
  // Answer changes of checks whose verdicts agree: one group per request, aspect, before and after.
  const bySignature = new Map<string, number>();
  changes.forEach((c, i) => {
    if (c.kind !== 'answer' || checkLevel.has(c.check)) return;
    const sig = answerSignature(c);
    const j = bySignature.get(sig);
    if (j === undefined) bySignature.set(sig, i);
    else union(i, j);
  });
  // A check whose verdict differs only through answers that differ elsewhere too (its INFO text quotes a
  // storage status that every upload shows) is that same difference; otherwise it is one of its own.
  for (const [check, k] of checkLevel) {
    const answers = changes.flatMap((c, i) => (c.kind === 'answer' && c.check === check ? [i] : []));
    const elsewhere = answers.length > 0 && answers.every((i) => bySignature.has(answerSignature(changes[i]!)));
    for (const i of answers) union(i, elsewhere ? bySignature.get(answerSignature(changes[i]!))! : k);
    if (elsewhere) union(k, bySignature.get(answerSignature(changes[answers[0]!]!))!);
  }
  const groups = new Map<number, BehaviourChange[]>();
  changes.forEach((c, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), c]));
  return [...groups.values()].map((group) => {
    const head = group.find((c) => CHECK_LEVEL.has(c.kind)) ?? group[0]!;
    const rule = ruleOf(group, mock, target);
    return { id: head.id, what: `${head.check}: ${head.what}`, rule, checks: [...new Set(group.map((c) => c.check))], changes: group.map((c) => ({ ...c, rule })) };
  });
}
