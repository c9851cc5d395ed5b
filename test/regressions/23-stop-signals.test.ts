// Regression: each command wrote its own Ctrl-C handling, and `conform` handled SIGINT only — SIGTERM
// (what CI runners and `timeout` send) ended it through vitest's own listener, without a report, although
// the README promised one. Now one helper (src/config/interrupt.ts) routes both signals into an
// AbortSignal for every producer: `conform` writes its partial report on SIGTERM as on SIGINT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptHeldStopSignals, handleStopSignals, RunInterrupt, untilStopSignal } from '../../src/config/interrupt.ts';
import { runCliInterrupted } from '../support/cli.ts';

let tmp: string;
beforeAll(async () => { tmp = await mkdtemp(join(tmpdir(), 'uh-sigterm-')); });
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('the stop-signal helper', () => {
  it('aborts stop on the first signal (reason: its name) and abort on the next; uninstalled, it hears nothing', () => {
    const interrupt = new RunInterrupt();
    const before = process.listenerCount('SIGINT');
    const heard: string[] = [];
    const uninstall = handleStopSignals(interrupt, { onStop: (s) => heard.push(`stop ${s}`), onAbort: (s) => heard.push(`abort ${s}`) });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(interrupt.stop.aborted).toBe(true);
      expect(interrupt.stop.reason).toBe('SIGTERM');
      expect(interrupt.signal).toBe('SIGTERM');
      expect(interrupt.abort.aborted).toBe(false);
      process.emit('SIGINT', 'SIGINT');
      expect(interrupt.abort.aborted).toBe(true);
      expect(interrupt.signal).toBe('SIGTERM');
    } finally {
      uninstall();
    }
    expect(heard).toEqual(['stop SIGTERM', 'abort SIGINT']);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('untilStopSignal resolves on the first signal and leaves no listener behind', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const stopped = untilStopSignal();
    expect(process.listenerCount('SIGINT')).toBe(before[0]! + 1);
    process.emit('SIGINT', 'SIGINT');
    await expect(stopped).resolves.toBe('SIGINT');
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});

describe('untilStopSignal with a signal held since start-up', () => {
  it('resolves with the held signal at once and leaves no listener behind', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    let released = false;
    adoptHeldStopSignals({ signals: ['SIGTERM'], release: () => { released = true; } });
    await expect(untilStopSignal()).resolves.toBe('SIGTERM');
    expect(released).toBe(true);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});

describe('conform + SIGTERM', () => {
  it('writes a partial report marked incomplete, naming SIGTERM, and exits 2', async () => {
    const { code, output: out, sent } = await runCliInterrupted(['conform', '--report-dir', tmp], [{ when: /^(PASS|FAIL|SKIP|WARN|ERROR)\s/m, signal: 'SIGTERM' }], { env: { NO_COLOR: '1' } });
    expect(sent, out).toBe(1);
    expect(code, out).toBe(2);
    const results = JSON.parse(await readFile(join(tmp, 'results.json'), 'utf8'));
    expect(results.incomplete).toBe(true);
    expect(results.harnessErrors.join('\n')).toMatch(/interrupted \(SIGTERM\)/);
  }, 60_000);
});
