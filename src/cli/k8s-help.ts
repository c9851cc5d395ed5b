// `upload-harness k8s`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/k8s.ts, is imported when the command runs).
import { WORKLOAD_OPTIONS as W } from './workload-option-table.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

/** Every option of `k8s` (format: src/cli/option-table.ts); the workload ones are load's. */
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

export const HELP = `upload-harness k8s [options] > testrun.yaml

Prints a ConfigMap with the compiled k6 scenario and a k6-operator TestRun (k6.io/v1alpha1) that runs it
on --parallelism pods; the operator splits the arrival rate between them with execution segments.

Options (environment variable in brackets; flags win):
${optionsHelp(OPTIONS)}

Example:
  kubectl create secret generic upload-harness --from-literal=api-key=$ASHBY_API_KEY
  upload-harness k8s --scenario full-flow --parallelism 4 --target https://staging.example --rate 40 \\
    --i-understand-this-hits-production | kubectl apply -f -

Each pod evaluates thresholds for its own share; aggregate with a shared metrics output.`;
