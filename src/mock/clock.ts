// Injectable clock: the mock reads time only through this, so expiry is testable in milliseconds.
// `offsetMs` is moved by the test-only clock control (POST /_control/clock), never in normal runs.

export interface Clock {
  now(): number;
}

/** How far the clock may be moved from real time, either way: ten years. Far beyond any expiry a test
 * needs, and far inside what dates can express (an offset of 9e15 ms made every later answer a 500:
 * no Date, no X-Amz-Date, no policy expiration can be written for it). */
const MAX_CLOCK_OFFSET_MS = 10 * 365 * 24 * 3600 * 1000;

export class ClockRangeError extends RangeError {}

export class MockClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  /** Moves the clock; throws ClockRangeError (and stays put) when the offset would leave ±MAX_CLOCK_OFFSET_MS. */
  advance(ms: number): void {
    const next = this.offsetMs + ms;
    if (!Number.isFinite(ms) || Math.abs(next) > MAX_CLOCK_OFFSET_MS) {
      throw new ClockRangeError(`the clock may move at most ${MAX_CLOCK_OFFSET_MS} ms (10 years) from real time; advancing by ${ms} ms would put it ${next} ms away`);
    }
    this.offsetMs = next;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
