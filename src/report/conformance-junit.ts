// JUnit XML of a conformance run: one <testsuite> per group, one <testcase> per check. SHOULD/INFO
// warnings pass, so CI gates only on what the exit code gates on, and carry their message and details
// in the case's <system-out>; skipped checks carry their reason.
import { GROUPS, type CheckResult, type RunResults } from '../results/index.ts';
import { changesJUnitSuite } from './changes.ts';
import { toJUnitXml, type JUnitOutcome, type JUnitSuite } from './junit.ts';

const OUTCOME = { pass: 'passed', warn: 'passed', fail: 'failed', skip: 'skipped', error: 'errored' } as const satisfies Record<string, JUnitOutcome>;

const detailsOf = (c: CheckResult): string =>
  [c.message, c.expected && `expected: ${c.expected}`, c.received && `received: ${c.received}`, `source: ${c.source}`, c.curl && `reproduce: ${c.curl}`].filter(Boolean).join('\n');

export function renderConformanceJUnit(r: RunResults): string {
  const suites: JUnitSuite[] = GROUPS.map((g) => ({
    name: `conformance.${g}`,
    cases: r.checks
      .filter((c) => c.group === g)
      .map((c) => {
        const details = detailsOf(c);
        return {
          name: `[${c.level}] ${c.id}: ${c.title}`,
          classname: `conformance.${g}`,
          timeSeconds: c.durationMs / 1000,
          outcome: OUTCOME[c.status],
          message: c.message,
          details,
          output: c.status === 'warn' ? `WARN: ${details}` : undefined,
        };
      }),
  })).filter((s) => s.cases.length > 0);
  if (r.changes) suites.push(changesJUnitSuite(r.changes, 'conformance.changes-since-baseline'));
  return toJUnitXml(`upload-harness conformance (${r.target.name})`, suites);
}
