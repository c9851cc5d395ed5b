// `upload-harness drift --target URL`: the conformance probes against the embedded mock and against the
// target, and every behaviour in which they differ (src/behaviour/drift.ts), written to
// reports/drift/{index.html,results.json,junit.xml}. Exit 0 no difference, 1 a difference, 2 usage or
// harness error (or interrupted: a partial comparison is no verdict).
import { resolve } from 'node:path';
import type { Command } from '../cli.ts';
import { parseCommandArgs } from './args.ts';
import { HELP, OPTIONS } from './drift-help.ts';
import { preflight } from '../client/index.ts';
import { compareBehaviour } from '../behaviour/diff.ts';
import { driftDifferences } from '../behaviour/drift.ts';
import { behaviourRecord } from '../behaviour/record.ts';
import { UsageError } from '../config/errors.ts';
import { remoteTarget, resolveConformConfig, type ConformFlags } from '../conformance/config.ts';
import { loadDeviations } from '../conformance/deviations.ts';
import { startMockTarget, type MockTarget } from '../conformance/mock-target.ts';
import { describeProfile } from '../mock/profile.ts';
import { runConformance } from '../conformance/runner.ts';
import { DRIFT_RESULTS_KIND, DRIFT_RESULTS_VERSION, type DriftResults, type RunResults } from '../results/index.ts';
import { renderDriftText } from '../report/drift.ts';
import { cancelOnStopSignals } from '../config/interrupt.ts';
import { applyNetworkFlags } from './network-options.ts';
import { checkReportDir, writeReports } from './report-files.ts';

const sideOf = (r: RunResults) => r.summary.counts;

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const { values } = parseCommandArgs('drift', argv, OPTIONS);
    const { 'ca-file': caFile, 'report-dir': reportDirFlag, profile: profileFile, ...targetFlags } = values;
    const config = resolveConformConfig({ ...targetFlags, strict: false } as ConformFlags);
    if (config.target === 'mock') throw new UsageError('drift needs --target <base-url>: the mock is always the other side', 'e.g. upload-harness drift --target https://api.ashbyhq.com');
    const reportDir = resolve(reportDirFlag ?? 'reports/drift');
    await checkReportDir(reportDir);
    const progress = config.json ? process.stderr : process.stdout;
    // Ctrl-C or SIGTERM: cancel both runs, write the partial report (exit 2); a second signal quits.
    const { interrupt, unhandle } = cancelOnStopSignals(progress);
    let mock: MockTarget | undefined;
    const started = Date.now();
    try {
      mock = await startMockTarget({ timeoutMs: config.timeoutMs, ...(profileFile !== undefined ? { profile: profileFile } : {}) });
      const profileName = mock.profile?.name;
      const target = remoteTarget(config, config.target);
      applyNetworkFlags({ 'ca-file': caFile }, process.env, [mock.target.baseUrl]);
      if (!interrupt.stop.aborted) await preflight(target.baseUrl, target.apiKey, target.timeoutMs);
      const quiet = { write: () => true };
      progress.write(`upload-harness drift: the mock${mock.profile ? ` profiled by ${describeProfile(mock.profile)}` : ''}, then ${target.name} (${target.baseUrl})\n`);
      const onMock = await runConformance({ target: mock.target, strict: false, only: config.only, deviations: loadDeviations('mock'), progress: quiet, signal: interrupt.stop });
      const onTarget = await runConformance({ target, strict: false, only: config.only, deviations: loadDeviations(target.name), progress: quiet, signal: interrupt.stop });
      const [mockRecord, targetRecord] = [behaviourRecord(onMock, profileName), behaviourRecord(onTarget)];
      const comparison = compareBehaviour(mockRecord, targetRecord, `mock vs ${target.name}`, { latency: false, skipIsChange: false });
      const differences = driftDifferences(mockRecord, targetRecord, comparison);
      const harnessErrors = [...onMock.harnessErrors.map((e) => `mock: ${e}`), ...onTarget.harnessErrors.map((e) => `target: ${e}`)];
      const incomplete = onMock.incomplete === true || onTarget.incomplete === true;
      const results: DriftResults = {
        kind: DRIFT_RESULTS_KIND,
        schemaVersion: DRIFT_RESULTS_VERSION,
        tool: 'upload-harness drift',
        target: { name: target.name, baseUrl: onTarget.target.baseUrl },
        mock: profileName ? { profile: profileName } : {},
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        summary: { mock: sideOf(onMock), target: sideOf(onTarget) },
        compared: comparison.compared,
        notCompared: comparison.notCompared,
        differences,
        harnessErrors,
        exitCode: incomplete || harnessErrors.length ? 2 : differences.length ? 1 : 0,
        ...(incomplete ? { incomplete: true as const } : {}),
      };
      const secrets = [target.apiKey, target.limitedApiKey, target.otherOrgApiKey, mock.target.apiKey].filter((s): s is string => !!s);
      const written = await writeReports(reportDir, 'drift', results, secrets);
      progress.write(`${renderDriftText(results)}\nreports: ${written.html}, ${written.junit}, ${written.json}\n`);
      if (config.json) process.stdout.write(written.jsonText);
      return results.exitCode;
    } finally {
      unhandle();
      await mock?.close();
    }
  },
};
