// `upload-harness k8s`: prints a k6-operator TestRun plus a ConfigMap holding the compiled scenario, to
// run the same load from N pods (the operator gives each an execution segment; research/k6.md §6.2).
// The API key comes from a Kubernetes Secret, never from the manifest.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Command } from '../cli.ts';
import { DurationError, parseDurationMs } from '../config/duration.ts';
import { EXIT, UsageError } from '../config/errors.ts';
import { MixError, parseContextMix, parseFileSizeMix, SCENARIOS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { buildK6Bundles } from '../load/build.ts';
import { parseThresholdFlag, ThresholdError, toK6Thresholds } from '../load/thresholds.ts';
import { LOAD_DEFAULTS } from './load.ts';
import { parseCommandArgs, parseIntegerOption } from './args.ts';

const OPTIONS = {
  scenario: { type: 'string' },
  parallelism: { type: 'string' },
  target: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  'file-sizes': { type: 'string' },
  mix: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  'max-vus': { type: 'string' },
  'job-posting-id': { type: 'string' },
  'secret-name': { type: 'string' },
  namespace: { type: 'string' },
  image: { type: 'string' },
} as const;

const HELP = `upload-harness k8s [options] > testrun.yaml

Prints a ConfigMap with the compiled k6 scenario and a k6-operator TestRun (k6.io/v1alpha1) that runs it
on --parallelism pods; the operator splits the arrival rate between them with execution segments.

Options:
  --scenario NAME        handle-create | upload | full-flow (default ${LOAD_DEFAULTS.scenario})
  --parallelism N        number of runner pods (default 2)
  --target URL           base URL the pods load (required) [ASHBY_BASE_URL]
  --rate N --duration D  total constant arrival rate across all pods (default ${LOAD_DEFAULTS.rate}/s, ${LOAD_DEFAULTS.duration})
  --file-sizes MIX  --mix MIX  --threshold 'metric:expr'  --max-vus N  --job-posting-id ID
  --secret-name NAME     Secret with key "api-key" holding the API key (default upload-harness)
  --namespace NS  --image IMAGE (default grafana/k6:latest)

Example:
  kubectl create secret generic upload-harness --from-literal=api-key=$ASHBY_API_KEY
  upload-harness k8s --scenario full-flow --parallelism 4 --target https://staging.example --rate 40 | kubectl apply -f -

Each pod evaluates thresholds for its own share; aggregate with a shared metrics output.`;

function check<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MixError || err instanceof ThresholdError || err instanceof DurationError) throw new UsageError(err.message, 'see upload-harness k8s --help');
    throw err;
  }
}

export async function renderK8sManifest(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values: v } = parseCommandArgs('k8s', argv, OPTIONS);
  const scenario = (v.scenario ?? LOAD_DEFAULTS.scenario) as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${v.scenario}"`);
  const parallelism = v.parallelism !== undefined ? parseIntegerOption('parallelism', v.parallelism, 1, 1000) : 2;
  const target = v.target ?? env.ASHBY_BASE_URL;
  if (!target || !/^https?:\/\//.test(target)) throw new UsageError('--target must be the http(s) base URL the pods should load', 'the embedded mock cannot be reached from a cluster');
  const rate = v.rate ?? String(LOAD_DEFAULTS.rate);
  if (!/^\d+(\.\d+)?$/.test(rate) || Number(rate) <= 0) throw new UsageError(`--rate must be a positive number, got "${rate}"`);
  const durationMs = check(() => parseDurationMs(v.duration ?? LOAD_DEFAULTS.duration));
  const fileSizes = v['file-sizes'] ?? LOAD_DEFAULTS.fileSizes;
  const mix = v.mix ?? LOAD_DEFAULTS.mix;
  check(() => parseFileSizeMix(fileSizes));
  check(() => parseContextMix(mix));
  const thresholds = check(() => (v.threshold ?? []).flatMap(parseThresholdFlag));
  const maxVUs = v['max-vus'] !== undefined ? parseIntegerOption('max-vus', v['max-vus'], 1, 100_000) : Math.max(20, Math.ceil(Number(rate) * 2));

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
  const vars: Record<string, string> = {
    UH_BASE_URL: target,
    UH_RATE: rate,
    UH_DURATION: `${durationMs}ms`,
    UH_MAX_VUS: String(maxVUs),
    UH_FILE_SIZES: fileSizes,
    UH_MIX: mix,
    UH_THRESHOLDS: JSON.stringify(toK6Thresholds(thresholds)),
  };
  if (v['job-posting-id']) vars.UH_JOB_POSTING_ID = v['job-posting-id'];
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
        image: v.image ?? 'grafana/k6:latest',
        env: [
          ...Object.entries(vars).map(([k, val]) => ({ name: k, value: val })),
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          { name: 'UH_API_KEY', valueFrom: { secretKeyRef: { name: v['secret-name'] ?? 'upload-harness', key: 'api-key' } } },
        ],
      },
    },
  };
  return `${stringify(configMap, { lineWidth: 0 })}---\n${stringify(testRun, { lineWidth: 0 })}`;
}

export const command: Command = {
  summary: 'print a k6-operator TestRun + ConfigMap for a distributed k6 run',
  help: HELP,
  async run(argv) {
    process.stdout.write(await renderK8sManifest(argv));
    return EXIT.ok;
  },
};
