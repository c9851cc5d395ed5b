// Durations as users write them: `500ms`, `2s`, `10m`, `1h`, `1m30s`; a bare number means seconds.
// The number of each part follows the one number grammar (src/config/number.ts): `1.5s`, `1e3ms`.
import { NumberError, parseNumber, UNSIGNED_NUMBER } from './number.ts';

export class DurationError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = new RegExp(`(${UNSIGNED_NUMBER})(ms|s|m|h)`, 'g');

export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  // A negative duration is a value out of range, not a typo: said so, as for every other number.
  if (trimmed.startsWith('-')) throw new DurationError(`must be ≥ 0, got ${trimmed}`);
  try {
    return Math.round(parseNumber(trimmed) * 1000);
  } catch (err) {
    if (!(err instanceof NumberError)) throw err;
  }
  const parts = [...trimmed.matchAll(PART)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new DurationError(`invalid duration "${text}" (examples: 500ms, 2s, 10m, 1m30s)`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}

export function formatDurationMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
