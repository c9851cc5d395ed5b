// JUnit XML, as CI systems read it (one <testsuite> per group, one <testcase> per check/threshold).
// Built with fast-xml-parser's XMLBuilder rather than string concatenation, so escaping is the library's.
import { XMLBuilder } from 'fast-xml-parser';

export type JUnitOutcome = 'passed' | 'failed' | 'skipped' | 'errored';

interface JUnitCase {
  name: string;
  classname: string;
  timeSeconds: number;
  outcome: JUnitOutcome;
  /** One-line failure/skip/error message. */
  message?: string;
  /** Longer text: expected vs received, the redacted exchange. */
  details?: string;
  /** Text shown with the case whatever its outcome (<system-out>): why a passing case warned. */
  output?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  /** <properties>: facts about the whole suite a CI system shows beside it (e.g. an injected fault). */
  properties?: { name: string; value: string }[];
}

// No boolean-attribute shorthand: XML needs every value, `value="true"` included.
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true, suppressBooleanAttributes: false });

export function toJUnitXml(name: string, suites: JUnitSuite[]): string {
  const count = (s: JUnitSuite, o: JUnitOutcome) => s.cases.filter((c) => c.outcome === o).length;
  const sum = (f: (s: JUnitSuite) => number) => suites.reduce((n, s) => n + f(s), 0);
  const time = (s: JUnitSuite) => s.cases.reduce((t, c) => t + c.timeSeconds, 0);
  const doc = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    testsuites: {
      '@name': name,
      '@tests': sum((s) => s.cases.length),
      '@failures': sum((s) => count(s, 'failed')),
      '@errors': sum((s) => count(s, 'errored')),
      '@skipped': sum((s) => count(s, 'skipped')),
      '@time': sum(time).toFixed(3),
      testsuite: suites.map((s) => ({
        '@name': s.name,
        '@tests': s.cases.length,
        '@failures': count(s, 'failed'),
        '@errors': count(s, 'errored'),
        '@skipped': count(s, 'skipped'),
        '@time': time(s).toFixed(3),
        ...(s.properties?.length ? { properties: { property: s.properties.map((p) => ({ '@name': p.name, '@value': p.value })) } } : {}),
        testcase: s.cases.map((c) => {
          const tc: Record<string, unknown> = { '@name': c.name, '@classname': c.classname, '@time': c.timeSeconds.toFixed(3) };
          const body = { '@message': c.message ?? '', '#text': c.details ?? c.message ?? '' };
          if (c.outcome === 'failed') tc.failure = { ...body, '@type': 'AssertionError' };
          if (c.outcome === 'errored') tc.error = { ...body, '@type': 'HarnessError' };
          if (c.outcome === 'skipped') tc.skipped = { '@message': c.message ?? '' };
          if (c.output) tc['system-out'] = c.output;
          return tc;
        }),
      })),
    },
  };
  return builder.build(doc) as string;
}
