// Shared option parsing for every command: node:util parseArgs with a clear error per bad flag, and
// the precedence CLI flag > environment variable > default (DESIGN §5).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../config/errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new UsageError(message.replace(/^TypeError \[[A-Z_]+\]: /, ''), `see upload-harness ${command} --help`);
  }
}

/** A flag's value, else the environment variable, else undefined. */
export function fromFlagOrEnv(flag: string | undefined, envName: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag !== undefined) return flag;
  const v = env[envName];
  return v === undefined || v === '' ? undefined : v;
}

export function parseIntegerOption(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
