import { describe, expect, it } from 'vitest';
import { MAX_CALLS, MockState } from '../../src/mock/api/state.ts';

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
