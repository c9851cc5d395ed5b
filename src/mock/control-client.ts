// A typed client of the mock's test-only control routes (/_control/*, on with --enable-test-control):
// for a test suite whose mock runs in another process (`upload-harness mock --enable-test-control`).
// In the same process, the MockServer's own clock/setFaults/state do the same without HTTP.
import type { CallRecord } from './api/state.ts';

export class MockControlError extends Error {}

export class MockControlClient {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** Moves the mock's clock forward (expiry tests in milliseconds); resolves to the mock's new now(). */
  async advanceClock(ms: number): Promise<number> {
    return ((await this.post('clock', { advanceMs: ms })) as { now: number }).now;
  }

  /** Replaces the active faults (`no-size-check`, `latency=50`, `random-5xx=0.1`); [] switches all off. */
  async setFaults(faults: readonly string[]): Promise<void> {
    await this.post('faults', { faults });
  }

  /** Clock offset and faults back to normal. */
  async reset(): Promise<void> {
    await this.post('reset', {});
  }

  /** The API calls the mock answered, oldest first (the newest 10,000). */
  async calls(): Promise<CallRecord[]> {
    const res = await fetch(`${this.base}/_control/calls`);
    if (!res.ok) throw new MockControlError(`GET /_control/calls answered HTTP ${res.status} (is the mock started with --enable-test-control?)`);
    return ((await res.json()) as { calls: CallRecord[] }).calls;
  }

  private async post(route: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.base}/_control/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new MockControlError(`POST /_control/${route} answered HTTP ${res.status}${json.error ? `: ${json.error}` : ' (is the mock started with --enable-test-control?)'}`);
    return json;
  }
}
