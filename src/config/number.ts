// The one grammar of the numbers users type: every numeric option of every command, and the number of
// a duration (src/config/duration.ts). Decimal, with an optional fraction and exponent: `10`, `0.5`,
// `.5`, `1e3`, `100001`. A sign is read too, so that `-1` is refused for what it is, a value below the
// allowed range ("must be ≥ 0"), not as text that is no number.

/** The grammar as a regular-expression source without a sign (for units after it, as in `1.5s`). */
export const UNSIGNED_NUMBER = '(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
const NUMBER = new RegExp(`^[+-]?${UNSIGNED_NUMBER}$`);

export class NumberError extends Error {}

export interface NumberRange {
  /** Smallest allowed value (default 0: negative numbers are refused). */
  min?: number;
  /** The value must be greater than `min`, not equal to it. */
  exclusiveMin?: boolean;
  max?: number;
  integer?: boolean;
}

/**
 * `text` by the grammar, checked against `range`. The error message has no subject (the caller names
 * the option): `must be ≥ 0, got -1`, `must be a whole number, got 2.5`.
 */
export function parseNumber(text: string, range: NumberRange = {}): number {
  const t = text.trim();
  if (!NUMBER.test(t)) throw new NumberError(range.integer ? `must be a whole number, got "${text}"` : `must be a number (e.g. 10, 0.5, 1e3), got "${text}"`);
  const n = Number(t);
  const min = range.min ?? 0;
  if (n < 0 && min >= 0) throw new NumberError(`must be ≥ ${min > 0 && !range.exclusiveMin ? min : 0}, got ${t}`);
  if (range.integer && !Number.isInteger(n)) throw new NumberError(`must be a whole number, got ${t}`);
  if (range.exclusiveMin ? !(n > min) : !(n >= min)) throw new NumberError(`must be ${range.exclusiveMin ? '>' : '≥'} ${min}, got ${t}`);
  if (range.max !== undefined && !(n <= range.max)) throw new NumberError(`must be ≤ ${range.max}, got ${t}`);
  return n;
}
