// The options `load` and `k8s` share: what workload to generate and against which target, with one
// parser per value, so both commands accept, default and refuse a value the same way (the defaults are
// the k6 bundles' own, scenarios/flows/k6-env.ts).
import { UsageError } from '../config/errors.ts';
import type { Env } from '../config/precedence.ts';
import { parseTarget, type Target } from '../config/target-url.ts';
import { DEFAULT_MAX_VUS_CAP, defaultMaxVUs, parseContextMix, parseFileSizeMix, SCENARIOS, WORKLOAD_DEFAULTS, WORKLOAD_LIMITS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { PRODUCTION_RATE_CAP, assertRateAllowed } from '../load/config.ts';
import { parseThresholdFlag } from '../load/thresholds.ts';
import { asUsage, optionValue, parseNumberOption, type OptionTable } from './args.ts';

const DEFAULT_SCENARIO: ScenarioName = 'full-flow';

/** Option entries (see args.ts for the format); each command picks and words the ones it offers. */
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

type WorkloadValues = Partial<Record<keyof typeof WORKLOAD_OPTIONS, string | string[] | boolean>>;

export function parseScenario(table: OptionTable, values: WorkloadValues, env: Env): ScenarioName {
  const scenario = optionValue(table, values, 'scenario', env) as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${scenario}"`);
  return scenario;
}

/** An arrival rate in iterations per second (--rate, --start-rate), by the one number grammar. */
export function parseRate(name: string, text: string, min: { exclusive: boolean } = { exclusive: true }): number {
  return parseNumberOption(name, text, { min: 0, exclusiveMin: min.exclusive, max: WORKLOAD_LIMITS.maxRate });
}

/** The target (flag > ASHBY_BASE_URL > the mock where allowed), by the rules every command shares. */
export function parseWorkloadTarget(table: OptionTable, values: WorkloadValues, env: Env, rules: { allowMock: false }): URL;
export function parseWorkloadTarget(table: OptionTable, values: WorkloadValues, env: Env, rules: { allowMock: true }): Target;
export function parseWorkloadTarget(table: OptionTable, values: WorkloadValues, env: Env, rules: { allowMock: boolean }): Target {
  return parseTarget(optionValue(table, values, 'target', env), rules);
}

/** --file-sizes and --mix as given and as parsed (each refused with the parser's message). */
export function parseMixes(table: OptionTable, values: WorkloadValues, env: Env, hint: string) {
  const fileSizes = optionValue(table, values, 'file-sizes', env)!;
  const mix = optionValue(table, values, 'mix', env)!;
  return { fileSizes, mix, fileSizeMix: asUsage(() => parseFileSizeMix(fileSizes), { hint }), contextMix: asUsage(() => parseContextMix(mix), { hint }) };
}

export function parseThresholds(specs: readonly string[], hint: string) {
  return asUsage(() => specs.flatMap(parseThresholdFlag), { hint });
}

/** --max-vus, else the default every entry point shares (k6-env.ts defaultMaxVUs). */
export function parseMaxVUs(value: string | undefined, peakRate: number): number {
  return value !== undefined ? parseNumberOption('max-vus', value, { min: 1, max: WORKLOAD_LIMITS.maxVUs, integer: true }) : defaultMaxVUs(peakRate);
}

/** The production guard (src/load/config.ts) with the acknowledgement flag of the table. */
export function guardProductionRate(target: Target, peakRate: number, values: WorkloadValues): boolean {
  const allowProduction = values['i-understand-this-hits-production'] === true;
  assertRateAllowed(target, peakRate, allowProduction);
  return allowProduction;
}
