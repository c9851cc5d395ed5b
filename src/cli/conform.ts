// `upload-harness conform`: runs the conformance suites against the embedded mock (default) or a real
// base URL, prints progress check by check and a summary, writes reports/conformance/{index.html,
// junit.xml,results.json}, and exits 0 (pass), 1 (a MUST failed, or a SHOULD with --strict) or 2
// (usage or harness error, or a check that errored: never success after a crash).
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './conform-help.ts';
import { parseCommandArgs } from './args.ts';
import { preflight } from '../client/index.ts';
import { remoteTarget, resolveConformConfig, type ConformFlags } from '../conformance/config.ts';
import { loadDeviations } from '../conformance/deviations.ts';
import { startMockTarget, type MockTarget } from '../conformance/mock-target.ts';
import { useColour } from '../conformance/reporter.ts';
import { runConformance } from '../conformance/runner.ts';
import { HARNESS_VERSION, type RunResults } from '../results/index.ts';
import { checkReportDir, writeBesideReport, writeReports } from './report-files.ts';
import { compareWithBaseline, readBaselineFlags } from './baseline-options.ts';
import { behaviourRecord } from '../behaviour/record.ts';
import { toHar } from '../behaviour/har.ts';
import { renderChangesText } from '../report/changes.ts';
import { applyNetworkFlags } from './network-options.ts';
import { cancelOnStopSignals } from '../config/interrupt.ts';

export function summaryText(r: RunResults): string {
  const c = r.summary.counts;
  const verdict = r.exitCode === 0 ? 'PASSED' : r.exitCode === 1 ? 'FAILED' : 'ERRORED';
  const lines = [
    '',
    `${verdict}: ${c.total} checks — ${c.pass} pass, ${c.fail} fail, ${c.warn} warn, ${c.skip} skip, ${c.error} error (${(r.durationMs / 1000).toFixed(1)} s, target ${r.target.name})`,
  ];
  for (const e of r.harnessErrors) lines.push(`harness error: ${e}`);
  for (const ch of r.checks.filter((x) => x.status === 'fail' || x.status === 'error')) lines.push(`  ${ch.status.toUpperCase()} ${ch.level} ${ch.id}: ${ch.message ?? ''}`);
  return lines.join('\n');
}

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const { values } = parseCommandArgs('conform', argv, OPTIONS);
    const { 'ca-file': caFile, baseline: _b, 'accept-changes': _a, 'max-regression': _m, har, ...targetFlags } = values;
    // A bad baseline or acceptance file costs nothing: read and checked before the run.
    const baseline = readBaselineFlags(values);
    const config = resolveConformConfig(targetFlags as ConformFlags);
    const reportDir = resolve(config.reportDir);
    await checkReportDir(config.reportDir); // a bad --report-dir costs nothing: found before the run
    const progress = config.json ? process.stderr : process.stdout;
    // Ctrl-C at any moment — while the mock starts, during the first request, while vitest starts or
    // during the checks — cancels and still writes the (partial, `incomplete`) report, exit 2.
    const { interrupt, unhandle } = cancelOnStopSignals(progress);
    let mock: MockTarget | undefined;
    try {
      if (config.target === 'mock') mock = await startMockTarget({ timeoutMs: config.timeoutMs });
      const target = mock ? mock.target : remoteTarget(config, config.target as URL);
      const deviations = loadDeviations(target.name);
      // The embedded mock is this process's own loopback server: reached directly even behind a proxy.
      applyNetworkFlags({ 'ca-file': caFile }, process.env, mock ? [target.baseUrl] : []);
      // One request first: an unreachable target is one clear error (cause + hint), not 70 errored checks.
      if (!interrupt.stop.aborted) await preflight(target.baseUrl, target.apiKey, target.timeoutMs);
      const colour = useColour(progress);
      progress.write(`${colour ? '\x1b[1m' : ''}upload-harness conform${colour ? '\x1b[0m' : ''} → ${target.name} (${target.baseUrl})${config.only.length ? `, groups ${config.only.join(',')}` : ''}\n`);
      const run = await runConformance({ target, strict: config.strict, only: config.only, deviations, progress, signal: interrupt.stop });
      const record = behaviourRecord(run);
      const results = baseline ? compareWithBaseline(run, record, baseline) : run;
      const secrets = [target.apiKey, target.limitedApiKey, target.otherOrgApiKey].filter((s): s is string => !!s);
      const written = await writeReports(reportDir, 'conformance', results, secrets);
      const behaviour = await writeBesideReport(join(dirname(written.json), 'behaviour.json'), `${JSON.stringify(record, null, 2)}\n`, secrets);
      const harFile = har ? await writeBesideReport(resolve(har), toHar(results, HARNESS_VERSION), secrets) : undefined;
      const changes = results.changes ? `${renderChangesText(results.changes, 'changes since baseline', ['baseline', 'this run'])}\n` : '';
      progress.write(`${summaryText(results)}\n${changes}reports: ${written.html}, ${written.junit}, ${written.json}, ${behaviour}${harFile ? `, ${harFile}` : ''}\n`);
      if (config.json) process.stdout.write(written.jsonText);
      return results.exitCode;
    } finally {
      unhandle();
      await mock?.close();
    }
  },
};
