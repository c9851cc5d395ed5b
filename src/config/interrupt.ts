// Ctrl-C / SIGTERM while a command runs, declared once for every command: the first signal aborts
// `stop` (reason: the signal's name), which every producer takes as its AbortSignal — start nothing more,
// finish or cancel what runs, and still write the (partial, `incomplete`) reports; a later signal aborts
// `abort` (end at once). What each command does on either is its own (load: graceful stop then abort,
// docs/decisions/0036-interrupted-load-runs.md; conform: cancel, then quit; mock: stop serving).
export type StopSignalName = 'SIGINT' | 'SIGTERM';

export class RunInterrupt {
  private readonly stopping = new AbortController();
  private readonly aborting = new AbortController();
  /** The first signal received, if any. */
  signal: StopSignalName | undefined;

  /** Aborted on the first signal, with the signal's name as its reason. */
  get stop(): AbortSignal {
    return this.stopping.signal;
  }

  /** Aborted on the second signal: end at once. */
  get abort(): AbortSignal {
    return this.aborting.signal;
  }

  /** Records a signal; returns 'stop' for the first, 'abort' for any later one. */
  receive(signal: StopSignalName): 'stop' | 'abort' {
    if (!this.stopping.signal.aborted) {
      this.signal = signal;
      this.stopping.abort(signal);
      return 'stop';
    }
    this.aborting.abort(signal);
    return 'abort';
  }
}

export interface StopSignalHandlers {
  /** Called on the first signal, after `stop` was aborted. */
  onStop?(signal: StopSignalName): void;
  /** Called on every later signal, after `abort` was aborted. */
  onAbort?(signal: StopSignalName): void;
}

/**
 * Signals that arrived before a command installed its handlers. The CLI's entry (bin/upload-harness.js)
 * holds SIGINT and SIGTERM from its first line: loading the CLI and a command's dependencies takes long
 * enough (seconds from a source checkout) for a Ctrl-C to land first, and node's default would end the
 * process with no report. `handleStopSignals` takes the held ones over, as if they came just then.
 */
export interface HeldStopSignals {
  readonly signals: readonly StopSignalName[];
  /** Removes the holding listeners (node's default effect returns unless a handler is installed). */
  release(): void;
}

let held: HeldStopSignals | undefined;

/** Hands signals held since start-up to the next `handleStopSignals` (the CLI does this for commands that stop gracefully). */
export function adoptHeldStopSignals(signals: HeldStopSignals): void {
  held = signals;
}

/** Routes SIGINT and SIGTERM of this process into `interrupt` while a run lasts; returns the uninstaller. */
export function handleStopSignals(interrupt: RunInterrupt, handlers: StopSignalHandlers = {}): () => void {
  const on = (signal: StopSignalName) => () => {
    if (interrupt.receive(signal) === 'stop') handlers.onStop?.(signal);
    else handlers.onAbort?.(signal);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const early = held;
  held = undefined;
  if (early) {
    early.release();
    for (const signal of early.signals) (signal === 'SIGINT' ? onInt : onTerm)();
  }
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/**
 * The stop of a run that cancels (conform, drift): the first signal says so on `progress` and cancels,
 * the run still writes its partial report (exit 2); a second one quits at once (130).
 */
export function cancelOnStopSignals(progress: { write(text: string): unknown }): { interrupt: RunInterrupt; unhandle: () => void } {
  const interrupt = new RunInterrupt();
  const unhandle = handleStopSignals(interrupt, {
    onStop: () => progress.write('\ninterrupted: cancelling, writing a partial report (Ctrl-C again to quit now)\n'),
    onAbort: () => process.exit(130),
  });
  return { interrupt, unhandle };
}

/** Resolves on the first SIGINT or SIGTERM (a long-running server's "until stopped"); a later signal
 * then has node's default effect again, so a second Ctrl-C during shut-down still ends the process. */
export async function untilStopSignal(): Promise<StopSignalName> {
  const interrupt = new RunInterrupt();
  // A held signal is replayed inside handleStopSignals, before its uninstaller is returned.
  let uninstall: (() => void) | undefined = undefined;
  uninstall = handleStopSignals(interrupt, { onStop: () => uninstall?.() });
  if (interrupt.stop.aborted) uninstall();
  else await new Promise((resolve) => interrupt.stop.addEventListener('abort', resolve, { once: true }));
  return interrupt.signal!;
}
