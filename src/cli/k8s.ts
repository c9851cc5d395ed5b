// `upload-harness k8s`: prints a k6-operator TestRun plus a ConfigMap holding the compiled scenario, to
// run the same load from N pods (the operator gives each an execution segment: https://grafana.com/docs/k6/latest/testing-guides/running-distributed-tests/).
// The API key comes from a Kubernetes Secret, never from the manifest.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './k8s-help.ts';
import { parseDurationMs } from '../config/duration.ts';
import { EXIT } from '../config/errors.ts';
import type { Env } from '../config/precedence.ts';
import { baseUrlOf } from '../config/target-url.ts';
import { encodeK6Env, K6_ENV } from '../../scenarios/flows/index.ts';
import { buildK6Bundles } from '../load/build.ts';
import { assertK6Thresholds, assertWorkload, workloadOf } from '../load/config.ts';
import { toK6Thresholds } from '../load/thresholds.ts';
import { asUsage, optionValue, parseCommandArgs, parseIntegerOption } from './args.ts';
import { guardProductionRate, parseMaxVUs, parseMixes, parseRate, parseScenario, parseThresholds, parseWorkloadTarget } from './workload-options.ts';



const HINT = 'see upload-harness k8s --help';

export async function renderK8sManifest(argv: string[], env: Env = process.env): Promise<string> {
  const { values: v } = parseCommandArgs('k8s', argv, OPTIONS);
  const scenario = parseScenario(OPTIONS, v, env);
  const parallelism = parseIntegerOption('parallelism', optionValue(OPTIONS, v, 'parallelism', env)!, 1, 1000);
  const target = parseWorkloadTarget(OPTIONS, v, env, { allowMock: false });
  const rate = parseRate('rate', optionValue(OPTIONS, v, 'rate', env)!);
  guardProductionRate(target, rate, v);
  const durationMs = asUsage(() => parseDurationMs(optionValue(OPTIONS, v, 'duration', env)!), { label: '--duration', hint: HINT });
  const { fileSizes, mix, contextMix } = parseMixes(OPTIONS, v, env, HINT);
  const thresholds = parseThresholds(v.threshold ?? [], HINT);
  const maxVUs = parseMaxVUs(v['max-vus'], rate);
  const jobPostingId = optionValue(OPTIONS, v, 'job-posting-id', env);
  // What `load --engine k6` refuses, k8s refuses too (the pods run the same bundle, which checks again).
  assertWorkload(workloadOf({ scenario, rate, durationMs, maxVUs, contextMix, jobPostingId, target: baseUrlOf(target) }), 'k6');
  assertK6Thresholds(thresholds);
  const vars = encodeK6Env({ baseUrl: baseUrlOf(target), rate, durationMs, maxVUs, fileSizes, mix, jobPostingId, thresholds: toK6Thresholds(thresholds) });

  const dir = await mkdtemp(join(tmpdir(), 'uh-k8s-'));
  let script: string;
  try {
    const out = await buildK6Bundles({ outDir: dir, scenarios: [scenario] });
    script = (await readFile(out[scenario], 'utf8')).replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const name = `upload-harness-${scenario}`;
  const file = `${scenario}.js`;
  const metadata = (n: string) => ({ name: n, ...(v.namespace ? { namespace: v.namespace } : {}), labels: { 'app.kubernetes.io/name': 'upload-harness' } });
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(name), data: { [file]: script } };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(name),
    spec: {
      parallelism,
      script: { configMap: { name, file } },
      arguments: '--no-usage-report',
      runner: {
        image: optionValue(OPTIONS, v, 'image', env)!,
        env: [
          ...Object.entries(vars).map(([k, val]) => ({ name: k, value: val })),
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          { name: K6_ENV.apiKey, valueFrom: { secretKeyRef: { name: optionValue(OPTIONS, v, 'secret-name', env)!, key: 'api-key' } } },
        ],
      },
    },
  };
  return `${stringify(configMap, { lineWidth: 0 })}---\n${stringify(testRun, { lineWidth: 0 })}`;
}

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    process.stdout.write(await renderK8sManifest(argv));
    return EXIT.ok;
  },
};
