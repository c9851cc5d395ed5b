// Parsers for the weighted mixes users type (`1KiB:50,256KiB:40,5MiB:10`, `resume:1,files:1,form:1`) and a
// deterministic weighted picker: iteration n takes slot n of a repeating pattern, so a run's mix matches
// the weights exactly instead of approximately, and no random numbers are drawn on the hot path.
import type { UploadContext } from '../../src/protocol/index.ts';

export class MixError extends Error {}

export interface Weighted<T> {
  value: T;
  weight: number;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1_000_000, mib: 1024 * 1024, gb: 1e9, gib: 1024 ** 3 };
const MAX_FILE_SIZE = 100 * 1024 * 1024;

/** `512`, `1KiB`, `5MiB`, `2MB` → bytes, at most `max` (a file size by default). */
export function parseSize(text: string, max: number = MAX_FILE_SIZE): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new MixError(`invalid size "${text}" (examples: 512, 1KiB, 256KiB, 5MiB, 2MB)`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1 || bytes > max) throw new MixError(`size "${text}" must be between 1 byte and ${formatSize(max)}`);
  return bytes;
}

function parseWeighted<T>(what: string, text: string, parseValue: (s: string) => T): Weighted<T>[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new MixError(`${what} is empty (example: ${what === 'file-size mix' ? '1KiB:50,256KiB:40,5MiB:10' : 'resume:1,files:1,form:1'})`);
  return items.map((item) => {
    const idx = item.lastIndexOf(':');
    const valueText = idx === -1 ? item : item.slice(0, idx);
    const weightText = idx === -1 ? '1' : item.slice(idx + 1);
    if (!/^\d+$/.test(weightText) || Number(weightText) < 1 || Number(weightText) > 10_000) {
      throw new MixError(`${what}: weight of "${valueText}" must be a whole number 1..10000, got "${weightText}"`);
    }
    return { value: parseValue(valueText), weight: Number(weightText) };
  });
}

export function parseFileSizeMix(text: string): Weighted<number>[] {
  return parseWeighted('file-size mix', text, parseSize);
}

const CONTEXT_NAMES: Record<string, UploadContext> = { resume: 'CandidateResume', files: 'CandidateFiles', form: 'ApplicationForm' };

export function parseContextMix(text: string): Weighted<UploadContext>[] {
  const mix = parseWeighted('context mix', text, (name) => {
    const ctx = CONTEXT_NAMES[name.toLowerCase()];
    if (!ctx) throw new MixError(`context mix: unknown context "${name}" (use resume, files, form)`);
    return ctx;
  });
  const seen = new Set<UploadContext>();
  for (const m of mix) {
    if (seen.has(m.value)) throw new MixError(`context mix: "${m.value}" given twice`);
    seen.add(m.value);
  }
  return mix;
}

/** Slot table after dividing by the weights' GCD; interleaved so that consecutive picks vary. */
export function weightedSlots<T>(mix: readonly Weighted<T>[]): T[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = mix.reduce((acc, m) => gcd(acc, m.weight), 0) || 1;
  const remaining = mix.map((m) => m.weight / g);
  const total = remaining.reduce((a, b) => a + b, 0);
  const slots: T[] = [];
  // Smooth weighted round-robin (as nginx balances upstreams): deterministic and evenly spread.
  const current = mix.map(() => 0);
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < mix.length; i++) {
      current[i]! += remaining[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    slots.push(mix[best]!.value);
  }
  return slots;
}

export function formatSize(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GiB`;
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}
