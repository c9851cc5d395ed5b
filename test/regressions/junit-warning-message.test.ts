// Regression: a SHOULD (or INFO) check that warned passed in junit.xml with nothing else —
// its message, expected/received and source were dropped, so CI showed a green case and no reason.
// A warning stays a passing case (CI gates on what the exit code gates on) and carries its text in
// the case's <system-out>.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { getCheck } from '../../src/conformance/catalogue.ts';
import { toCheckResult } from '../../src/conformance/results.ts';
import { renderConformanceJUnit } from '../../src/report/conformance-junit.ts';
import type { RunResults } from '../../src/results/index.ts';
import { runResultsOf } from '../fixtures/run-results.ts';

const failed = (message: string) => ({ exchanges: [], observations: [], failure: { kind: 'failure' as const, message, expected: 'HTTP 200 + success:false', received: 'HTTP 400' } });

function run(): RunResults {
  const checks = [
    toCheckResult(getCheck('validation.malformed-json'), { state: 'failed', meta: failed('malformed JSON answered 400'), durationMs: 3 }, false),
    toCheckResult(getCheck('envelope.handle.schema'), { state: 'passed', durationMs: 2 }, false),
  ];
  return runResultsOf(checks);
}

describe('JUnit of a conformance warning', () => {
  it('a SHOULD warning passes and keeps its message, expected/received and source in <system-out>', () => {
    const r = run();
    expect(r.checks.map((c) => c.status)).toEqual(['warn', 'pass']);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(renderConformanceJUnit(r));
    const cases = [doc.testsuites.testsuite].flat().flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Array<Record<string, unknown>>;
    const warned = cases.find((c) => String(c['@_name']).includes('validation.malformed-json'))!;
    expect(warned.failure).toBeUndefined();
    expect(warned.error).toBeUndefined();
    expect(String(warned['system-out'])).toContain('malformed JSON answered 400');
    expect(String(warned['system-out'])).toContain('expected: HTTP 200 + success:false');
    expect(String(warned['system-out'])).toContain('received: HTTP 400');
    expect(String(warned['system-out'])).toContain(`source: ${getCheck('validation.malformed-json').source}`);
    const passed = cases.find((c) => String(c['@_name']).includes('envelope.handle.schema'))!;
    expect(passed['system-out']).toBeUndefined();
  });
});
