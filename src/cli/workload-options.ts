// The parsers of the options `load` and `k8s` share (their table: workload-option-table.ts): one
// parser per value, so both commands accept, default and refuse a value the same way (the defaults are
// the k6 bundles' own, scenarios/flows/k6-env.ts).
import { UsageError } from '../config/errors.ts';
import type { Env } from '../config/precedence.ts';
import { parseTarget, type Target } from '../config/target-url.ts';
import { defaultMaxVUs, parseContextMix, parseFileSizeMix, SCENARIOS, WORKLOAD_LIMITS, type ScenarioName } from '../../scenarios/flows/index.ts';
import { assertRateAllowed } from '../load/production-guard.ts';
import { parseThresholdFlag } from '../load/thresholds.ts';
import { asUsage, optionValue, parseNumberOption } from './args.ts';
import type { OptionTable } from './option-table.ts';
import { WORKLOAD_OPTIONS } from './workload-option-table.ts';

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
