// Ctrl-C / SIGTERM during a load run: the first signal stops starting iterations and gives in-flight
// ones the graceful stop, the second cuts that short; either way the reports are still written from
// what was recorded, marked incomplete, and the run exits 2 (docs/decisions/0036-interrupted-load-runs.md).
export type StopSignalName = 'SIGINT' | 'SIGTERM';

export class RunInterrupt {
  private readonly stopping = new AbortController();
  private readonly aborting = new AbortController();
  /** The first signal received, if any. */
  signal: StopSignalName | undefined;

  /** Aborted on the first signal: start nothing more, let in-flight iterations finish (graceful stop). */
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
      this.stopping.abort();
      return 'stop';
    }
    this.aborting.abort();
    return 'abort';
  }
}

/** Routes SIGINT and SIGTERM of this process into `interrupt` while a run lasts; returns the uninstaller. */
export function handleStopSignals(interrupt: RunInterrupt, log: (line: string) => void): () => void {
  const on = (signal: StopSignalName) => () => {
    if (interrupt.receive(signal) === 'stop') log(`${signal}: stopping: no new iterations, in-flight ones get the graceful stop; press Ctrl-C again to abort at once (reports are written either way)`);
    else log(`${signal}: aborting in-flight iterations; writing what was recorded`);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
