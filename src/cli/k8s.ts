// `upload-harness k8s`: prints a k6-operator TestRun plus a ConfigMap holding the compiled scenario, to
// run the same load from N pods (the operator gives each an execution segment: https://grafana.com/docs/k6/latest/testing-guides/running-distributed-tests/).
// The API key comes from a Kubernetes Secret, never from the manifest.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Command } from '../cli.ts';
import { parseDurationMs } from '../config/duration.ts';
import { EXIT } from '../config/errors.ts';
import type { Env } from '../config/precedence.ts';
import { baseUrlOf } from '../config/target-url.ts';
import { encodeK6Env, K6_ENV } from '../../scenarios/flows/index.ts';
import { buildK6Bundles } from '../load/build.ts';
import { assertK6Thresholds, assertWorkload, workloadOf } from '../load/config.ts';
import { toK6Thresholds } from '../load/thresholds.ts';
import { asUsage, optionsHelp, optionValue, parseCommandArgs, parseIntegerOption, type OptionTable } from './args.ts';
import { WORKLOAD_OPTIONS as W, guardProductionRate, parseMaxVUs, parseMixes, parseRate, parseScenario, parseThresholds, parseWorkloadTarget } from './workload-options.ts';

/** Every option of `k8s` (format: src/cli/args.ts); the workload ones are load's. */
export const OPTIONS = {
  scenario: W.scenario,
  parallelism: { type: 'string', value: 'N', default: 2, help: 'number of runner pods' },
  target: { ...W.target, value: 'URL', help: 'base URL the pods load (required)' },
  rate: { ...W.rate, help: 'total constant arrival rate across all pods, iterations/s' },
  duration: { ...W.duration, help: 'how long the pods run: 500ms, 30s, 2m' },
  'file-sizes': W['file-sizes'],
  mix: W.mix,
  threshold: W.threshold,
  'max-vus': { ...W['max-vus'], help: W['max-vus'].help.replace('most concurrent iterations', 'most concurrent iterations in total') },
  'job-posting-id': W['job-posting-id'],
  'i-understand-this-hits-production': W['i-understand-this-hits-production'],
  'secret-name': { type: 'string', value: 'NAME', default: 'upload-harness', help: 'Secret with key "api-key" holding the API key' },
  namespace: { type: 'string', value: 'NS', help: 'namespace of the ConfigMap and the TestRun' },
  image: { type: 'string', value: 'IMAGE', default: 'grafana/k6:latest', help: 'runner image' },
} as const satisfies OptionTable;

const HELP = `upload-harness k8s [options] > testrun.yaml

Prints a ConfigMap with the compiled k6 scenario and a k6-operator TestRun (k6.io/v1alpha1) that runs it
on --parallelism pods; the operator splits the arrival rate between them with execution segments.

Options (environment variable in brackets; flags win):
${optionsHelp(OPTIONS)}

Example:
  kubectl create secret generic upload-harness --from-literal=api-key=$ASHBY_API_KEY
  upload-harness k8s --scenario full-flow --parallelism 4 --target https://staging.example --rate 40 \\
    --i-understand-this-hits-production | kubectl apply -f -

Each pod evaluates thresholds for its own share; aggregate with a shared metrics output.`;

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
  summary: 'print a k6-operator TestRun + ConfigMap for a distributed k6 run', help: HELP, options: OPTIONS,
  async run(argv) {
    process.stdout.write(await renderK8sManifest(argv));
    return EXIT.ok;
  },
};
