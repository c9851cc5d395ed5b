// JUnit XML for a load run: one testcase for the arrival rate (held or not), one per threshold (and
// one per baseline metric when compared), so CI shows which limit failed with the observed value.
// The suite's properties carry the rate's figures and every fault the mock injected, so a failure
// caused by an injected fault never reads as the target's.
import { describeFault, type LoadResults } from '../results/index.ts';
import { toJUnitXml, type JUnitSuite } from './junit.ts';

function rateCase(results: LoadResults): JUnitSuite['cases'][number] {
  const r = results.rate;
  const figures = `target ${r.targetRate}/s, started ${r.startRate}/s, achieved ${r.achievedRate}/s over ${r.windowMs} ms; scheduled ${r.scheduled}, started ${r.started}, late ${r.late ?? 'not measured'}, dropped ${r.dropped.maxVUs + r.dropped.notStarted}`;
  const base = { name: 'rate held', classname: `load.rate.${results.scenario}`, timeSeconds: r.windowMs / 1000 };
  if (r.held) return { ...base, outcome: 'passed', output: figures };
  const message = `rate not held: ${r.shortfalls.join('; ')}`;
  // --allow-rate-shortfall: reported, not failed.
  if (r.allowShortfall) return { ...base, outcome: 'passed', output: `${message} (allowed by --allow-rate-shortfall)\n${figures}` };
  return { ...base, outcome: 'failed', message, details: `${message}\n${figures}` };
}

export function renderLoadJUnit(results: LoadResults): string {
  const r = results.rate;
  const suites: JUnitSuite[] = [
    {
      name: `load ${results.scenario} (${results.engine})`,
      properties: [
        ...results.faults.map((f) => ({ name: 'injected-fault', value: describeFault(f) })),
        { name: 'rate.held', value: String(r.held) },
        { name: 'rate.target', value: String(r.targetRate) },
        { name: 'rate.started', value: String(r.startRate) },
        { name: 'rate.achieved', value: String(r.achievedRate) },
        { name: 'rate.late', value: r.late === undefined ? 'not measured' : String(r.late) },
        { name: 'rate.dropped', value: String(r.dropped.maxVUs + r.dropped.notStarted) },
      ],
      cases: [
        rateCase(results),
        ...results.thresholds.map((t) => ({
          name: `${t.metric}: ${t.expression}`,
          classname: `load.thresholds.${results.scenario}`,
          timeSeconds: 0,
          outcome: t.ok ? ('passed' as const) : ('failed' as const),
          message: t.ok ? undefined : t.message,
          details: t.message,
        })),
      ],
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
      cases: results.baseline.rows.map((row) => ({
        name: row.metric,
        classname: `load.baseline.${results.scenario}`,
        timeSeconds: 0,
        outcome: row.regression ? 'failed' : 'passed',
        message: row.regression ? `${row.metric} regressed ${row.deltaPct}% (limit ${results.baseline!.maxRegressionPct}%): ${row.baseline} → ${row.current}` : undefined,
      })),
    });
  }
  return toJUnitXml(`upload-harness load ${results.scenario}`, suites);
}
