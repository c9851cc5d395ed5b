// The one precedence rule of every option: CLI flag > environment variable > default. Values are
// trimmed; an empty environment variable counts as unset (CI templates often export empty ones), while an
// empty flag is a mistake worth saying so.
import { UsageError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable's trimmed value, or undefined when unset or blank. */
function envValue(env: Env, name: string | undefined): string | undefined {
  const v = name === undefined ? undefined : env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function flagOrEnv(name: string, flag: string | undefined, envName: string | undefined, env: Env, fallback?: string): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError(`--${name} must not be empty`);
    return flag.trim();
  }
  return envValue(env, envName) ?? fallback;
}

/** A switch: the flag, else the variable as true/false (1/0, yes/no, on/off), else false. */
export function switchOrEnv(flag: boolean | undefined, envName: string | undefined, env: Env): boolean {
  if (flag !== undefined) return flag;
  const v = envValue(env, envName);
  if (v === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new UsageError(`${envName} must be true or false, got "${v}"`);
}
