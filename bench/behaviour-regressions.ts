// Measures what the behaviour record and its comparison claim, against a second target
// (test/fixtures/second-target.ts) with switchable differences:
//   1. the same target twice → zero changes, over PAIRS pairs of consecutive runs and one more whose
//      second run is interrupted;
//   2. the target changed in one observed behaviour → that change reported, with before/after;
//   3. drift between the embedded mock and the target with N differences → exactly N differences.
// Prints a table per part and exits 1 if any claim does not hold. Run: npx tsx bench/behaviour-regressions.ts [pairs]
import { compareBehaviour } from '../src/behaviour/diff.ts';
import { driftDifferences } from '../src/behaviour/drift.ts';
import { behaviourRecord } from '../src/behaviour/record.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { startMockTarget } from '../src/conformance/mock-target.ts';
import { ConformanceSession } from '../src/conformance/runner.ts';
import type { BehaviourRecord } from '../src/results/index.ts';
import { renderChangesText } from '../src/report/changes.ts';
import { DIFFERENCES, startSecondTarget, type Difference } from '../test/fixtures/second-target.ts';

const PAIRS = Number(process.argv[2] ?? 20);
/** Which parts to run (`1,2,3` by default): on a shared machine they can run as separate processes. */
const PARTS = new Set((process.argv[3] ?? '1,2,3').split(','));
const INTERRUPTED_PAIR = Math.ceil(PAIRS / 2);
const out = (s: string) => process.stdout.write(`${s}\n`);
let failed = false;

const second = await startSecondTarget();
const deviations = loadDeviations('second');
const session = await ConformanceSession.open({ target: second.target, strict: false, only: [], deviations });
const run = async (differences: readonly Difference[] = []): Promise<BehaviourRecord> => {
  second.set(differences);
  return behaviourRecord(await session.run());
};

/** A run cut short: a fresh session whose signal aborts after `afterChecks` check results were printed. */
async function interruptedRun(afterChecks: number): Promise<BehaviourRecord> {
  second.set([]);
  const abort = new AbortController();
  let seen = 0;
  const progress = { write: (t: string) => { if (++seen === afterChecks) abort.abort(); return t.length; } };
  const s = await ConformanceSession.open({ target: second.target, strict: false, only: [], deviations, progress, signal: abort.signal });
  try {
    return behaviourRecord(await s.run());
  } finally {
    await s.close();
  }
}

try {
  if (PARTS.has('1')) {
  out(`1. same target twice: ${PAIRS} pairs of consecutive runs (run k against run k+1), and one pair whose second run is interrupted after 20 checks`);
  out('pair | checks compared | not compared | changes');
  let total = 0;
  let previous = await run();
  for (let p = 1; p <= PAIRS + 1; p++) {
    const interrupted = p === INTERRUPTED_PAIR;
    const next = interrupted ? await interruptedRun(20) : await run();
    const c = compareBehaviour(previous, next, `pair ${p}`);
    total += c.changes.length;
    out(`${String(p).padStart(4)} | ${String(c.compared).padStart(15)} | ${String(c.notCompared.length).padStart(12)} | ${c.changes.length}${interrupted ? ' (second run interrupted)' : ''}`);
    for (const x of c.changes) out(`       ${x.id}: ${x.before} → ${x.after}`);
    if (!interrupted) previous = next;
  }
  out(`total changes over ${PAIRS + 1} pairs: ${total}`);
  if (total !== 0) failed = true;
  }

  if (PARTS.has('2')) {
  out('\n2. the target changed in one observed behaviour (baseline: the target with no difference)');
  const baseline = await run();
  out('difference | changes reported | kinds | first change id');
  for (const d of DIFFERENCES) {
    const after = await run([d]);
    // Latency is compared for the difference that is one (with loopback noise on a shared machine,
    // a check's time moves by more than 10 % and 50 ms without any change of the target).
    const c = compareBehaviour(baseline, after, 'baseline', d === 'slow-handle' ? { maxRegressionPct: 100 } : {});
    const kinds = [...new Set(c.changes.map((x) => x.kind))].join(',');
    out(`${d.padEnd(22)} | ${String(c.changes.length).padStart(16)} | ${kinds} | ${c.changes[0]?.id ?? '(none)'}`);
    if (c.changes.length === 0) failed = true;
    // Changes beyond the exchange answers (a check's verdict or INFO choice) are listed by id.
    for (const x of c.changes.filter((y) => y.kind !== 'answer' && y.kind !== 'latency')) out(`    ${x.id}: ${x.before} → ${x.after}`);
    if (d === 'extra-field-refused') out(renderChangesText(c, `change report (${d})`, ['baseline', 'this run']).replace(/^/gm, '    '));
  }

  }
  if (PARTS.has('3')) {
  out('\n3. drift: the embedded mock against the target with N differences');
  const mock = await startMockTarget({ timeoutMs: 10_000 });
  const mockSession = await ConformanceSession.open({ target: mock.target, strict: false, only: [], deviations: loadDeviations('mock') });
  const mockRecord = behaviourRecord(await mockSession.run());
  await mockSession.close();
  await mock.close();
  const drifted = (DIFFERENCES.filter((d) => d !== 'slow-handle'));
  out('N | differences listed | which');
  for (const n of [0, drifted.length]) {
    const on = drifted.slice(0, n);
    const diffs = driftDifferences(mockRecord, await run(on));
    out(`${n} | ${String(diffs.length).padStart(18)} | ${diffs.map((d) => `${d.id} [${d.rule}]`).join('; ') || '(none)'}`);
    if (diffs.length !== n) failed = true;
    for (const d of diffs) out(`    ${d.what} [${d.rule}] in ${d.checks.length} check(s)`);
  }
  }
} finally {
  await session.close();
  await second.close();
}
out(failed ? '\nFAILED: a claim did not hold' : '\nall claims held');
process.exit(failed ? 1 : 0);

