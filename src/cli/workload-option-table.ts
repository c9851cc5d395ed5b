// The option entries `load` and `k8s` share: what workload to generate and against which target (format:
// src/cli/option-table.ts); each command picks and words the ones it offers. The defaults are the k6
// bundles' own (scenarios/flows/k6-env.ts); the parsers are in workload-options.ts.
import { DEFAULT_MAX_VUS_CAP, SCENARIOS, WORKLOAD_DEFAULTS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { PRODUCTION_RATE_CAP } from '../load/production-guard.ts';
import type { OptionTable } from './option-table.ts';

const DEFAULT_SCENARIO: ScenarioName = 'full-flow';

export const WORKLOAD_OPTIONS = {
  scenario: { type: 'string', value: 'NAME', default: DEFAULT_SCENARIO, help: SCENARIOS.join(' | ') },
  target: { type: 'string', value: 'mock|URL', env: 'ASHBY_BASE_URL', help: 'default: the embedded mock on an ephemeral port' },
  rate: { type: 'string', value: 'N', default: WORKLOAD_DEFAULTS.rate, help: 'constant arrival rate, iterations/s' },
  duration: { type: 'string', value: 'D', default: WORKLOAD_DEFAULTS.duration, help: 'with --rate: 500ms, 30s, 2m' },
  'file-sizes': { type: 'string', value: 'MIX', default: WORKLOAD_DEFAULTS.fileSizes, help: 'size:weight list' },
  mix: { type: 'string', value: 'MIX', default: WORKLOAD_DEFAULTS.mix, help: 'full-flow attach contexts' },
  threshold: {
    type: 'string',
    multiple: true,
    value: "'metric:expr'",
    help: "k6 syntax, repeatable: 'handle_create_duration:p(95)<300',\n'http_req_failed:rate<0.01', 'checks:rate>0.99', 'iterations:count>100'",
  },
  'job-posting-id': { type: 'string', value: 'ID', env: 'ASHBY_JOB_POSTING_ID', help: 'for the form context' },
  'max-vus': { type: 'string', value: 'N', help: `most concurrent iterations; one due while all are busy is dropped\n(default max(20, 2 × peak rate), at most ${DEFAULT_MAX_VUS_CAP})` },
  'i-understand-this-hits-production': { type: 'boolean', help: `allow more than ${PRODUCTION_RATE_CAP} it/s against a non-mock target` },
} as const satisfies OptionTable;
