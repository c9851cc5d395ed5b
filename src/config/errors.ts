// Typed errors with stable codes. The CLI prints `error [code]: message` plus a hint and exits with the
// error's exit-code class; stack traces only with --debug.

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, thresholds: 99 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class HarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
    this.name = 'HarnessError';
  }
}

/** A bad flag, environment variable or config value. */
export class UsageError extends HarnessError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint, EXIT.usage);
  }
}
