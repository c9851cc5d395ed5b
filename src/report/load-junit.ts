// JUnit XML for a load run: one testcase per threshold (and one per baseline metric when compared),
// so CI shows which limit failed with the observed value.
import type { LoadResults } from '../results/index.ts';
import { toJUnitXml, type JUnitSuite } from './junit.ts';

export function renderLoadJUnit(results: LoadResults): string {
  const suites: JUnitSuite[] = [
    {
      name: `load ${results.scenario} (${results.engine})`,
      cases: results.thresholds.map((t) => ({
        name: `${t.metric}: ${t.expression}`,
        classname: `load.thresholds.${results.scenario}`,
        timeSeconds: 0,
        outcome: t.ok ? 'passed' : 'failed',
        message: t.ok ? undefined : t.message,
        details: t.message,
      })),
    },
  ];
  const incomplete = results.run.incomplete;
  // An interrupted run is an error in CI terms: its thresholds were judged on partial data.
  if (incomplete) {
    suites[0]!.cases.unshift({
      name: 'run completed',
      classname: `load.run.${results.scenario}`,
      timeSeconds: incomplete.actualDurationMs / 1000,
      outcome: 'errored',
      message: `incomplete: interrupted by ${incomplete.signal}${incomplete.aborted ? ' (aborted)' : ''} after ${incomplete.actualDurationMs} ms of ${incomplete.plannedDurationMs} ms planned`,
    });
  }
  if (results.baseline) {
    suites.push({
      name: `baseline ${results.baseline.file}`,
      cases: results.baseline.rows.map((r) => ({
        name: r.metric,
        classname: `load.baseline.${results.scenario}`,
        timeSeconds: 0,
        outcome: r.regression ? 'failed' : 'passed',
        message: r.regression ? `${r.metric} regressed ${r.deltaPct}% (limit ${results.baseline!.maxRegressionPct}%): ${r.baseline} → ${r.current}` : undefined,
      })),
    });
  }
  return toJUnitXml(`upload-harness load ${results.scenario}`, suites);
}
