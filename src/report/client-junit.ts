// JUnit XML of a client verification run: one <testsuite> "client.rules" with a <testcase> per rule over
// the clean run and every robustness case (failed when a MUST — or, with --strict, a SHOULD — was broken;
// SHOULD warnings pass with their message; never exercised → skipped), "client.run" with one failed case
// per reason the run failed that is not a rule (too few complete flows, the command's exit, an
// interruption), and "client.robustness" with one case per robustness case, failed as its run failed.
// The violation counts are the model's: the same numbers as the console and the HTML.
import { allViolations, type ClientResults } from '../results/client.ts';
import { toJUnitXml, type JUnitOutcome, type JUnitSuite } from './junit.ts';

const RULE_OUTCOME = { pass: 'passed', warn: 'passed', fail: 'failed', 'not-exercised': 'skipped' } as const satisfies Record<string, JUnitOutcome>;

/** Failure lines that are about rules or robustness cases have their own suites. */
const runFailure = (f: string): boolean => !/ violation\(s\)/.test(f) && !f.startsWith('robustness ');

export function renderClientJUnit(r: ClientResults): string {
  const violations = allViolations(r);
  const suites: JUnitSuite[] = [
    {
      name: 'client.rules',
      cases: r.rules.map((rule) => {
        const mine = violations.filter((v) => v.ruleId === rule.id);
        return {
          name: `[${rule.level}] ${rule.id}: ${rule.title}`,
          classname: 'client.rules',
          timeSeconds: 0,
          outcome: RULE_OUTCOME[rule.status],
          message: mine.length ? `${mine.length} violation(s): ${mine[0]!.message}` : rule.status === 'not-exercised' ? 'not exercised by this client' : undefined,
          details: mine.map((v) => [`flow ${v.flowId ?? 'stray'}, request #${v.requestSeq ?? '?'}: ${v.message}`, `sent: ${v.sent}`, `expected: ${v.expected}`, `real S3/Ashby: ${v.realAnswer}`, `fix: ${v.fix}`].join('\n')).join('\n\n') || undefined,
        };
      }),
    },
    { name: 'client.run', cases: r.summary.failures.filter(runFailure).map((f, i) => ({ name: `run.${i + 1}`, classname: 'client.run', timeSeconds: 0, outcome: 'failed' as const, message: f })) },
  ];
  if (r.robustness) {
    suites.push({
      name: 'client.robustness',
      cases: r.robustness.map((x) => ({
        name: `${x.fault}: ${x.description}`,
        classname: 'client.robustness',
        timeSeconds: 0,
        outcome: x.passed ? 'passed' : 'failed',
        message: `${x.verdict}: ${x.passed ? x.detail : x.failures.join('; ')}`,
        details: `recovered means: ${x.recovered}\nsource: ${x.source}\nflows: ${x.summary.flows} (${x.summary.completeFlows} complete), ${x.summary.mustViolations} MUST / ${x.summary.shouldViolations} SHOULD violation(s)`,
      })),
    });
  }
  return toJUnitXml(`upload-harness verify-client${r.incomplete ? ' (incomplete)' : ''}`, suites.filter((s) => s.cases.length > 0));
}
