// JUnit XML of a client verification run: one <testsuite> "client.rules" with a <testcase> per rule
// (failed when a MUST — or, with --strict, a SHOULD — was broken; SHOULD warnings pass with their
// message; never exercised → skipped), and "client.robustness" with one per injected fault.
import type { ClientResults } from '../results/client.ts';
import { toJUnitXml, type JUnitOutcome, type JUnitSuite } from './junit.ts';

const RULE_OUTCOME = { pass: 'passed', warn: 'passed', fail: 'failed', 'not-exercised': 'skipped' } as const satisfies Record<string, JUnitOutcome>;
const ROBUSTNESS_OUTCOME = { recovered: 'passed', 'gave up cleanly': 'passed', misbehaved: 'failed', 'not exercised': 'skipped' } as const satisfies Record<string, JUnitOutcome>;

export function renderClientJUnit(r: ClientResults): string {
  const violations = [...r.flows.flatMap((f) => f.violations), ...r.strayViolations];
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
  ];
  if (r.summary.flows < r.minFlows || (r.command && r.command.exitCode !== 0)) {
    suites.push({ name: 'client.run', cases: r.summary.failures.filter((f) => !/violation/.test(f)).map((f, i) => ({ name: `run.${i + 1}`, classname: 'client.run', timeSeconds: 0, outcome: 'failed' as const, message: f })) });
  }
  if (r.robustness) {
    suites.push({
      name: 'client.robustness',
      cases: r.robustness.map((x) => ({ name: `${x.fault}: ${x.description}`, classname: 'client.robustness', timeSeconds: 0, outcome: ROBUSTNESS_OUTCOME[x.verdict], message: `${x.verdict}: ${x.detail}`, details: `recovered means: ${x.recovered}\nsource: ${x.source}` })),
    });
  }
  return toJUnitXml(`upload-harness verify-client${r.incomplete ? ' (incomplete)' : ''}`, suites.filter((s) => s.cases.length > 0));
}
