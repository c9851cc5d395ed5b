// Runs the conformance suites (conformance/*.test.ts) programmatically with vitest and returns the
// results model. A ConformanceSession keeps one vitest instance open so that the fault matrix can run
// the same suites many times against one mock (switching faults in between) without paying vitest's
// start-up each time.
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { BaseSequencer, createVitest, type TestSpecification, type Vitest } from 'vitest/node';
import { networkEnv } from '../client/dispatcher.ts';
import { closeAgent } from '../client/http.ts';
import { redactKnownSecrets, redactUrl } from '../config/redact.ts';
import { CHECKS, GROUPS, type CheckGroup } from './catalogue.ts';
import type { Deviations } from './deviations.ts';
import { SUITE_DIR, REPO_ROOT } from './paths.ts';
import { ConformanceReporter, progressLine, useColour, type ProgressStream } from './reporter.ts';
import { CONFORMANCE_RESULTS_VERSION, exitCodeFor, summarise, type CheckResult, type RunResults } from '../results/index.ts';
import { inCatalogueOrder, INTERRUPTED, markInterrupted, notRun } from './results.ts';
import { NO_SERVER_ERROR, noServerErrorResult, type UnclassifiedUnderInfo } from './server-errors.ts';
import { encodeTarget, TARGET_ENV, type TargetConfig } from './target.ts';

export interface RunOptions {
  target: TargetConfig;
  strict: boolean;
  /** Groups to run; empty = all. */
  only: CheckGroup[];
  deviations: Deviations;
  progress?: ProgressStream;
  /** Upper bound of vitest workers (default: one fewer than the CPU count, as vitest's own). */
  maxWorkers?: number;
  /** Aborting (Ctrl-C) cancels the run; the results are then partial and marked `incomplete`. */
  signal?: AbortSignal;
}

/** Groups that move the target's clock: on the mock they run alone, after the others. */
const CLOCK_GROUPS: readonly CheckGroup[] = ['expiry'];

const groupOf = (spec: TestSpecification): CheckGroup | undefined => {
  const m = /([^/\\]+)\.test\.[jt]s$/.exec(spec.moduleId);
  return GROUPS.find((g) => g === m?.[1]);
};

const isClockGroup = (spec: TestSpecification) => CLOCK_GROUPS.includes(groupOf(spec)!);

/** vitest's own order (larger files first: a run keeps no results cache, see below), with the clock groups
 * after every other file. */
class ClockGroupsLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((s) => !isClockGroup(s)), ...sorted.filter(isClockGroup)];
  }
}

const nullStream = () => new Writable({ write: (_c, _e, cb) => cb() });

export class ConformanceSession {
  private constructor(
    private readonly vitest: Vitest,
    private readonly reporter: ConformanceReporter,
    private readonly options: RunOptions,
    /** vitest's workers for this session's runs, decided once (see run()). */
    private readonly maxWorkers: number,
  ) {}

  static async open(options: RunOptions): Promise<ConformanceSession> {
    const reporter = new ConformanceReporter({ strict: options.strict, deviations: options.deviations, progress: options.progress });
    const maxWorkers = options.maxWorkers ?? Math.max(availableParallelism() - 1, 1); // vitest's own default for a run
    const slowMs = options.target.slow && !options.target.control ? 15 * 60_000 : 0;
    const listenersBefore = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const pending = createVitest(
      'test',
      {
        config: false,
        root: REPO_ROOT,
        dir: SUITE_DIR,
        include: ['**/*.test.{ts,js}'], // .ts in a checkout, .js compiled in the installed package
        watch: false,
        reporters: [reporter],
        env: { [TARGET_ENV]: encodeTarget(options.target), ...networkEnv() },
        pool: 'threads',
        // The suite files share one module graph per worker: the harness's modules (clients, schemas
        // compiled by Ajv) load once per run instead of once per file, which halves a run's time. The
        // fixtures suites share are emptied per suite (check.ts, suiteCache), and each run starts new
        // workers, so nothing carries over to the next run of a session.
        isolate: false,
        sequence: { sequencer: ClockGroupsLast },
        maxWorkers,
        testTimeout: Math.max(60_000, slowMs),
        hookTimeout: 60_000,
        passWithNoTests: false,
        coverage: { enabled: false },
        // No results cache: vitest keeps it under the root's node_modules/.vite/, which for an installed
        // package is inside the package itself (a run must not write there; test/package/installed.test.ts).
        cache: false,
      },
      {},
      { stdout: nullStream(), stderr: nullStream() },
    );
    // vitest's logger exits the process on SIGINT and SIGTERM; with a signal the caller handles them
    // itself (cancel, then write the partial report), so those listeners are removed again — at once:
    // they are added synchronously when createVitest starts, and a Ctrl-C during vitest's start-up (a
    // second or two) must not end the process without a report.
    if (options.signal) {
      for (const name of ['SIGINT', 'SIGTERM'] as const) for (const l of process.listeners(name)) if (!listenersBefore[name].includes(l)) process.off(name, l);
    }
    const vitest = await pending;
    return new ConformanceSession(vitest, reporter, options, maxWorkers);
  }

  /** One run of the selected groups (`only` overrides the session's selection); can be called again,
   * e.g. after switching the mock's faults. */
  async run(only: CheckGroup[] = this.options.only): Promise<RunResults> {
    const started = Date.now();
    this.reporter.reset();
    const { target } = this.options;
    const selected = (only.length ? only : [...GROUPS]) as CheckGroup[];
    const specs = (await this.vitest.globTestSpecifications()).filter((s) => selected.includes(groupOf(s) as CheckGroup));
    const exclusive = target.control ? specs.filter(isClockGroup) : [];
    // A single worker runs a batch's files one after another in the sequencer's order, so there the clock
    // groups already run alone, after the others — in the worker that has loaded the harness, instead of a
    // new one loading it again (~0.3 CPU-s a run). Several workers run files side by side: a batch of its own.
    const batches = exclusive.length === 0 || this.maxWorkers === 1 ? [specs] : [specs.filter((s) => !exclusive.includes(s)), exclusive];
    const harnessErrors: string[] = [];
    const { signal } = this.options;
    const cancel = () => void this.vitest.cancelCurrentRun('keyboard-input').catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    for (const batch of batches) {
      if (batch.length === 0 || signal?.aborted) continue;
      try {
        await this.vitest.runTestSpecifications(batch, false);
      } catch (err) {
        harnessErrors.push(`vitest: ${(err as Error).message}`);
      }
    }
    signal?.removeEventListener('abort', cancel);
    harnessErrors.push(...this.reporter.harnessErrors);
    return buildRunResults(this.options, selected, this.reporter.results, this.reporter.unclassified, harnessErrors, started);
  }

  async close(): Promise<void> {
    await this.vitest.close();
    await closeAgent();
  }
}

/** The results model of a run from what the reporter collected (nothing, when interrupted before it began). */
function buildRunResults(options: RunOptions, selected: CheckGroup[], reported: CheckResult[], unclassified: UnclassifiedUnderInfo[], harnessErrors: string[], started: number): RunResults {
  const { target, strict } = options;
  const incomplete = options.signal?.aborted === true;
  const signalName = options.signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  if (incomplete) harnessErrors.push(`interrupted (${signalName}): the run was cancelled, results are partial`);
  const seen = new Set(reported.map((r) => r.id));
  const missing = CHECKS.filter((c) => c.scope !== 'run' && selected.includes(c.group) && !seen.has(c.id)).map((c) =>
    incomplete ? { ...notRun(c), status: 'skip' as const, message: INTERRUPTED } : notRun(c));
  const ran = incomplete ? reported.map(markInterrupted) : reported;
  // Run-scoped checks are judged here, once, over every exchange the suites recorded.
  const serverErrors = noServerErrorResult(ran, strict, options.deviations.get(NO_SERVER_ERROR), unclassified);
  const out = options.progress;
  if (out) out.write(progressLine(serverErrors, useColour(out)));
  const checks = inCatalogueOrder([...ran, ...missing, serverErrors]);
  // Exchanges, observations and failures were redacted as they were recorded; harness errors quote
  // vitest and the target's texts, so the run's keys are removed from the whole model once more here.
  const keys = [target.apiKey, target.limitedApiKey, target.otherOrgApiKey].filter((k): k is string => k !== undefined);
  return redactKnownSecrets<RunResults>({
    schemaVersion: CONFORMANCE_RESULTS_VERSION,
    tool: 'upload-harness conform',
    target: { name: target.name, baseUrl: redactUrl(target.baseUrl), mock: target.control },
    options: { strict, slow: target.slow, allowWrites: target.allowWrites, only: selected },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    summary: summarise(checks),
    harnessErrors,
    exitCode: incomplete ? 2 : exitCodeFor(checks, harnessErrors),
    ...(incomplete ? { incomplete: true } : {}),
    checks,
  }, keys);
}

/** One run: open, run, close. Interrupted before it began: every check skipped, no vitest started. */
export async function runConformance(options: RunOptions): Promise<RunResults> {
  if (options.signal?.aborted) return buildRunResults(options, options.only.length ? options.only : [...GROUPS], [], [], [], Date.now());
  const session = await ConformanceSession.open(options);
  try {
    return await session.run();
  } finally {
    await session.close();
  }
}
