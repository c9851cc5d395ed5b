// Shared option handling for every command. Each command declares ONE option table; from it come the
// node:util parseArgs config (parseCommandArgs), the "Options" block of its --help (optionsHelp) and the
// flag > environment > default resolution (optionValue, src/config/precedence.ts). Tests read the
// tables directly (`command.options`), so help, parser and checks cannot drift apart.
//
// Table format: `{ 'option-name': OptionDef, … } as const satisfies OptionTable`, in help order.
//   type      'string' (takes a value) | 'boolean' (a switch)
//   multiple  true: repeatable, the value is a string[]
//   env       environment variable read when the flag is absent; shown as [NAME] in --help
//   default   value when neither flag nor variable is given; shown as (default …) in --help
//   value     placeholder after the name in --help (`--rate N`); string options only
//   help      one line (more lines with '\n'; they are indented under the first)
//   group     heading the option is listed under; options without one come first, unheaded
// A new option (or a new command) is one more entry: the parser accepts it and --help lists it.
import { parseArgs } from 'node:util';
import { DurationError } from '../config/duration.ts';
import { UsageError } from '../config/errors.ts';
import { NumberError, parseNumber, type NumberRange } from '../config/number.ts';
import { flagOrEnv, type Env } from '../config/precedence.ts';
import { MixError } from '../../scenarios/flows/index.ts';
import { ThresholdError } from '../load/threshold-error.ts';
import { FaultSpecError } from '../mock/faults.ts';

interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly env?: string;
  readonly default?: string | number;
  readonly value?: string;
  readonly help: string;
  readonly group?: string;
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

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
    throw new UsageError(message.replace(/^TypeError \[[A-Z_]+\]: /, ''), `see upload-harness ${command} --help`);
  }
}

/** Column where the help text starts (wider names and placeholders put the text on the next line). */
const HELP_COLUMN = 31;

function optionLine(name: string, def: OptionDef): string[] {
  const head = `  --${name}${def.type === 'string' && def.value ? ` ${def.value}` : ''}`;
  const tail = [def.default !== undefined ? `(default ${def.default})` : '', def.env ? `[${def.env}]` : ''].filter(Boolean).join(' ');
  const text = def.help.split('\n');
  text[text.length - 1] = [text[text.length - 1], tail].filter(Boolean).join(' ');
  const indent = ' '.repeat(HELP_COLUMN);
  const lines = head.length < HELP_COLUMN - 1 ? [head.padEnd(HELP_COLUMN) + text[0]] : [head, indent + text[0]];
  for (const more of text.slice(1)) lines.push(indent + more);
  return lines;
}

/** The "Options" block of --help: one entry per option, grouped under headings where given. */
export function optionsHelp(table: OptionTable): string {
  const lines: string[] = [];
  const named = [...new Set(Object.values(table).map((d) => d.group))].filter((g) => g !== undefined);
  const groups = [undefined, ...named];
  for (const group of groups) {
    if (group !== undefined) lines.push('', `${group}:`);
    for (const [name, def] of Object.entries(table)) if (def.group === group) lines.push(...optionLine(name, def));
  }
  return lines.join('\n');
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
