// Regression: the mock looked API keys up with Map.get(presentedKey), whose string hashing/comparison
// time depends on the secret. A wall-clock timing test would be flaky on shared machines, so this
// asserts the implementation path instead: the presented key is hashed and compared with
// crypto.timingSafeEqual against EVERY known key, whether it matches the first, the last or none.
import { describe, expect, it, vi } from 'vitest';

const spy = vi.hoisted(() => ({ calls: 0, lengths: [] as number[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    spy.calls++;
    spy.lengths.push(a.byteLength, b.byteLength);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

const { authenticate, findKey } = await import('../../src/mock/api/auth.ts');
const { DEFAULT_KEYS } = await import('../../src/mock/api/keys.ts');
const keys = new Map(DEFAULT_KEYS.map((k) => [k.key, k]));
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('API key comparison is constant-time', () => {
  it.each([['first key', 'mock-full-access'], ['last key', 'mock-other-org'], ['unknown', 'mock-full-accesX'], ['empty', ''], ['long', 'x'.repeat(10_000)]])('%s: one timingSafeEqual per known key over 32-byte digests', (_label, presented) => {
    spy.calls = 0;
    spy.lengths = [];
    findKey(presented, keys);
    expect(spy.calls).toBe(keys.size);
    expect(new Set(spy.lengths)).toEqual(new Set([32]));
  });

  it('still authenticates exactly the right key', () => {
    expect(authenticate(basic('mock-read-only:'), keys).title).toBe('Mock read only');
    expect(() => authenticate(basic('mock-read-onl:'), keys)).toThrow(/Invalid API key/);
    expect(() => authenticate(basic('mock-read-only-x:'), keys)).toThrow(/Invalid API key/);
  });
});
