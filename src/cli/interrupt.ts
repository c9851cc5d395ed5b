// Ctrl-C during a conform or drift run: the first cancels the run (its partial report is still
// written), a second quits at once. Returns the signal and a function that removes the handler.
import type { ProgressStream } from '../conformance/reporter.ts';

export function cancelOnSigint(progress: ProgressStream): { signal: AbortSignal; release: () => void } {
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130); // a second Ctrl-C quits at once
    progress.write('\ninterrupted: cancelling, writing a partial report (Ctrl-C again to quit now)\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: interrupt.signal, release: () => process.off('SIGINT', onSigint) };
}
