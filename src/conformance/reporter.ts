// The vitest reporter of a conformance run: turns each finished test (named by its check id) into a
// CheckResult, prints live progress check by check, and collects harness errors (a suite that did not
// load, unhandled errors). No colour or animation when the stream is not a TTY or NO_COLOR is set.
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { getCheck, hasCheck } from './catalogue.ts';
import type { CheckMeta } from './check.ts';
import type { Deviations } from './deviations.ts';
import type { CheckResult, CheckStatus } from '../results/index.ts';
import { toCheckResult } from './results.ts';
import type { UnclassifiedUnderInfo } from './server-errors.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const COLOURS: Record<CheckStatus, string> = { pass: '32', fail: '31', warn: '33', skip: '90', error: '35' };

export function useColour(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function progressLine(r: CheckResult, colour: boolean): string {
  const label = r.status.toUpperCase().padEnd(5);
  const status = colour ? `\x1b[${COLOURS[r.status]}m${label}\x1b[0m` : label;
  const why = r.status === 'pass' ? '' : `  — ${r.message ?? ''}`;
  return `${status} ${r.level.padEnd(6)} ${r.id} (${r.durationMs} ms)${why}\n`;
}

export class ConformanceReporter implements Reporter {
  private byId = new Map<string, CheckResult>();
  harnessErrors: string[] = [];
  /** INFO checks that met an answer outside the documented classes (judged by envelope.no-server-error). */
  unclassified: UnclassifiedUnderInfo[] = [];

  /** One result per check id, whatever vitest reported: a cancelled run (Ctrl-C) can report a test case
   * again (skipped) after it finished; the first real outcome stands. */
  get results(): CheckResult[] {
    return [...this.byId.values()];
  }

  constructor(
    private readonly options: { strict: boolean; deviations: Deviations; progress?: ProgressStream },
  ) {}

  reset(): void {
    this.byId.clear();
    this.harnessErrors = [];
    this.unclassified = [];
  }

  onTestCaseResult(testCase: TestCase): void {
    const id = testCase.name;
    if (!hasCheck(id)) {
      this.harnessErrors.push(`test "${testCase.fullName}" is not a catalogued check id`);
      return;
    }
    const result = testCase.result();
    const diagnostic = testCase.diagnostic();
    const note = result.state === 'skipped' ? result.note : result.state === 'failed' ? result.errors?.[0]?.message : undefined;
    const meta = testCase.meta().check as CheckMeta | undefined;
    const def = getCheck(id);
    const r = toCheckResult(def, { state: result.state, note, meta, durationMs: diagnostic?.duration ?? 0 }, this.options.strict, this.options.deviations.get(id));
    const earlier = this.byId.get(id);
    if (earlier && earlier.status !== 'skip') return;
    this.byId.set(id, r);
    if (def.level === 'INFO' && meta?.failure?.must) this.unclassified = [...this.unclassified.filter((u) => u.check !== id), { check: id, message: meta.failure.message, received: meta.failure.received ?? '' }];
    const out = this.options.progress;
    if (out) out.write(progressLine(r, useColour(out)));
  }

  onTestModuleEnd(testModule: TestModule): void {
    for (const e of testModule.errors()) this.harnessErrors.push(`${testModule.moduleId}: ${e.message}`);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an error without a message, as whatever text it has
    for (const e of unhandledErrors) this.harnessErrors.push(`unhandled error: ${e.message ?? String(e)}`);
  }
}
