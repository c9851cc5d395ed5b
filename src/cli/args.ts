// Shared option parsing for every command, from the command's ONE option table (format and --help
// rendering: src/cli/option-table.ts): the node:util parseArgs config (parseCommandArgs) and the
// flag > environment > default resolution (optionValue, src/config/precedence.ts). Tests read the
// tables directly (`command.options`), so help, parser and checks cannot drift apart.
import { parseArgs } from 'node:util';
import { DurationError } from '../config/duration.ts';
import { UsageError } from '../config/errors.ts';
import { NumberError, parseNumber, type NumberRange } from '../config/number.ts';
import { flagOrEnv, type Env } from '../config/precedence.ts';
import { MixError } from '../../scenarios/flows/mix.ts';
import { ThresholdError } from '../load/threshold-error.ts';
import { FaultSpecError } from '../mock/faults.ts';
import type { OptionTable } from './option-table.ts';

/** The parseArgs config of a table, typed so that `values` knows strings, booleans and string[]s. */
export type ParserConfig<T extends OptionTable> = { -readonly [K in keyof T]: { type: T[K]['type']; multiple: T[K] extends { multiple: true } ? true : false } };

export function parserConfig<T extends OptionTable>(table: T): ParserConfig<T> {
  const out: Record<string, { type: 'string' | 'boolean'; multiple: boolean }> = {};
  for (const [name, def] of Object.entries(table)) out[name] = { type: def.type, multiple: def.multiple === true };
  return out as ParserConfig<T>;
}

/**
 * `--rate -1` as `--rate=-1`: node:util's parser takes any token after a value option that starts with
 * a dash for an option ("argument is ambiguous"), so a negative number would never reach the option's
 * own check, which says what is wrong with it ("must be ≥ 0").
 */
function joinNegativeValues(argv: readonly string[], table: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg.startsWith('--') && table[arg.slice(2)]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseCommandArgs<T extends OptionTable>(command: string, argv: string[], table: T, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, table), options: parserConfig(table), allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    // node's parseArgs appends advice about '--' to an unknown option, which misleads more than it helps
    // (the user mistyped an option; they did not mean a positional argument).
    const text = message.replace(/^TypeError \[[A-Z_]+\]: /, '').replace(/\. To specify a positional argument starting with a '-'.*$/, '');
    throw new UsageError(text, `see upload-harness ${command} --help`);
  }
}

/** A string option by the one precedence rule: flag > its table `env` > its table `default`. */
export function optionValue<T extends OptionTable>(table: T, values: Partial<Record<keyof T, unknown>>, name: keyof T & string, env: Env): string | undefined {
  const def = table[name]!;
  const flag = values[name];
  return flagOrEnv(name, typeof flag === 'string' ? flag : undefined, def.env, env, def.default === undefined ? undefined : String(def.default));
}

/** A numeric option by the one number grammar (src/config/number.ts): `--rate must be ≥ 0, got -1`. */
export function parseNumberOption(name: string, value: string, range: NumberRange, hint?: string): number {
  return asUsage(() => parseNumber(value, range), { label: `--${name}`, hint });
}

/** A percentage option (`10%` or `10`, 0–1000): --max-regression of load and conform. */
export function parsePercentOption(name: string, value: string): number {
  return parseNumberOption(name, value.replace(/%$/, ''), { min: 0, max: 1000 }, 'a percentage like 10%');
}

export function parseIntegerOption(name: string, value: string, min: number, max: number): number {
  return parseNumberOption(name, value, { min, max, integer: true });
}

/** The errors the value parsers (numbers, mixes, thresholds, durations, fault specs) throw for bad user input. */
const VALUE_ERRORS = [NumberError, MixError, ThresholdError, DurationError, FaultSpecError];

/**
 * Runs a value parser and turns its error into a UsageError (exit 2, one line): `label` prefixes the
 * message (`--mock-fault: …`) when the parser's own text does not name the option.
 */
export function asUsage<T>(fn: () => T, how: { label?: string; hint?: string } = {}): T {
  try {
    return fn();
  } catch (err) {
    if (!VALUE_ERRORS.some((E) => err instanceof E)) throw err;
    const message = (err as Error).message;
    // "--rate must be ≥ 0" reads as one sentence; other messages stand after the option's name.
    throw new UsageError(how.label ? `${how.label}${message.startsWith('must ') ? ' ' : ': '}${message}` : message, how.hint);
  }
}
