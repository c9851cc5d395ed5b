import { describe, expect, it } from 'vitest';
import { MAX_CALLS, MAX_RECORDS, MockState, RecentMap } from '../../src/mock/api/state.ts';

describe('mock call history', () => {
  it('stays bounded under a long run and keeps the newest calls in order', () => {
    const state = new MockState();
    const total = MAX_CALLS * 3 + 7;
    for (let i = 0; i < total; i++) {
      state.recordCall({ endpoint: 'file.createFileUploadHandle', status: i, via: 'fastify' });
      expect(state.calls.length).toBeLessThan(MAX_CALLS * 1.1);
    }
    expect(state.calls.length).toBeGreaterThanOrEqual(MAX_CALLS);
    expect(state.calls.at(-1)!.status).toBe(total - 1);
    const statuses = state.calls.map((c) => c.status);
    expect(statuses).toEqual(statuses.map((_, i) => total - statuses.length + i));
  });
});

describe('records are bounded', () => {
  it('RecentMap keeps the newest `limit` entries and forgets the oldest first', () => {
    const m = new RecentMap<number, string>(3);
    for (let i = 0; i < 10; i++) m.set(i, `v${i}`);
    expect([...m.keys()]).toEqual([7, 8, 9]);
    m.set(8, 'again'); // updating keeps its place and evicts nothing
    expect([...m.entries()]).toEqual([[7, 'v7'], [8, 'again'], [9, 'v9']]);
  });

  it('every record kind of MockState is bounded by MAX_RECORDS', () => {
    const state = new MockState();
    for (const map of [state.uploadHandles, state.candidates, state.files, state.submissions] as unknown as Map<string, object>[]) {
      for (let i = 0; i < MAX_RECORDS + 50; i++) map.set(String(i), {});
      expect(map.size).toBe(MAX_RECORDS);
      expect(map.has('0')).toBe(false);
      expect(map.has(String(MAX_RECORDS + 49))).toBe(true);
    }
  });
});
