import { describe, expect, it, vi } from 'vitest';
import { MAX_CALLS, MAX_RECORDS, MockState, RecentMap } from '../../src/mock/api/state.ts';

describe('mock call history', () => {
  it('stays bounded under a long run and keeps the newest calls in order', () => {
    const state = new MockState();
    const total = MAX_CALLS * 3 + 7;
    for (let i = 0; i < total; i++) {
      state.recordCall({ endpoint: 'file.createFileUploadHandle', status: i });
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

  it('RecentMap skips keys deleted by other means, and evicts in O(1) once full (the optimised path runs)', () => {
    const m = new RecentMap<number, string>(3);
    for (let i = 0; i < 3; i++) m.set(i, `v${i}`);
    m.delete(0);
    m.set(3, 'v3');
    m.set(4, 'v4'); // 0 is gone already: 1 is the oldest left
    expect([...m.keys()]).toEqual([2, 3, 4]);
    // A full map under steady insertion: iterating the Map's keys would be called on every eviction if
    // the eviction walked the table; spy on it to prove the queue, not the table, picks the victim.
    const big = new RecentMap<number, number>(1000);
    const keys = vi.spyOn(big, 'keys');
    for (let i = 0; i < 5000; i++) big.set(i, i);
    expect(keys).not.toHaveBeenCalled();
    expect(big.size).toBe(1000);
    expect(big.has(3999)).toBe(false);
    expect(big.has(4000)).toBe(true);
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
