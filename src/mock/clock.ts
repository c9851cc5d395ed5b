// Injectable clock: the mock reads time only through this, so expiry is testable in milliseconds.
// `offsetMs` is moved by the test-only clock control (POST /_control/clock), never in normal runs.

export interface Clock {
  now(): number;
}

export class MockClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
