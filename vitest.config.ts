import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { longestFirst } from './test/support/longest-first.ts';

// The harness's own tests (test/) and the embedding example (examples/embed/). The conformance suites
// in conformance/ are run by `upload-harness conform` with their own config, never directly by `npm test`;
// the installed package's tests (test/package/) by `npm run test:package` with theirs (decision 0198).
// The example imports `upload-harness/mock` etc. by the package name: the package's self-reference
// through its "exports", resolved here with the `upload-harness-source` condition to src/public/*.ts
// (the sources under test, not a possibly stale dist/); installed, the same imports load dist/.

/**
 * Test files whose assertions rest on the machine keeping time (an engine holding a rate, a latency
 * percentile, a server-side count within 1 %): run after everything else, so a neighbouring worker's CPU
 * burst cannot make them fail for a reason their titles do not name. Two at a time: each keeps well under
 * one core busy, so a pair leaves each a core (decision 0192: 24 runs of the project in a row, all passed;
 * all four at once failed a full run there).
 */
const TIMING_TESTS = [
  'test/load/engine-scheduler.test.ts',
  'test/load/rate-held-property.test.ts',
  'test/load-intended-latency.test.ts',
  'test/reliability-slow-clients.test.ts',
];

/** Test files that replace a Node module (vi.mock('node:crypto')): they need a module registry of their own. */
const MOCKING_TESTS = ['test/mock/auth-connection.test.ts', 'test/regressions/auth-constant-time.test.ts'];

/** Test files that spawn the CLI (test/support/cli.ts): they run the build staged by the `cli` project's globalSetup. */
const CLI_TESTS = [
  'test/browser-reports.test.ts',
  'test/cli-help.test.ts',
  'test/cli-help-loads.test.ts',
  'test/network-proxy-tls.test.ts',
  'test/reliability-failing-target.test.ts',
  'test/security-leaks.test.ts',
  'test/regressions/12-load-interrupted-keeps-reports.test.ts',
  'test/regressions/22-client-verdicts.test.ts',
  'test/regressions/22-conform-interrupts.test.ts',
  'test/regressions/22-mock-hygiene.test.ts',
  'test/regressions/23-stop-signals.test.ts',
  'test/regressions/conform-sigint-partial-report.test.ts',
  'test/verify/verify-client-cli.test.ts',
];

/**
 * The files that take longest (measured under `npm test`, longest first): they start first within their
 * project so the short ones fill the run's end (test/support/longest-first.ts). A file that becomes slow
 * belongs here; a renamed one must be renamed here too (the run refuses a name that does not exist).
 */
const LONGEST_FIRST = [
  'test/network-proxy-tls.test.ts',
  'test/browser-reports.test.ts',
  'test/verify/verify-client-cli.test.ts',
  'test/cli-help.test.ts',
  'test/cli-help-loads.test.ts',
  'test/security-leaks.test.ts',
  'test/regressions/12-load-interrupted-keeps-reports.test.ts',
  'test/fault-matrix.test.ts',
  'test/verify/reference-clients.test.ts',
  'test/load-mock.test.ts',
  'test/behaviour-profile.test.ts',
  'test/bench-smoke.test.ts',
  'test/action.test.ts',
  'test/verify/library-clients.test.ts',
  'test/reliability-storage-caps.test.ts',
  'test/verify/client-mutants.test.ts',
  'test/reliability-flows.test.ts',
  'test/load-cli.test.ts',
  'test/behaviour-second-target.test.ts',
  'test/k6-bundles.test.ts',
  'test/conformance-runner.test.ts',
  'test/report-schemas.test.ts',
  'test/boundaries.test.ts',
  'test/public-api.test.ts',
  'test/client-http.test.ts',
];

export default defineConfig({
  // vitest's own default conditions (Vite's server ones minus `module`, which would send externalized
  // packages such as @aws-sdk to their extensionless ESM builds) plus the source condition.
  ssr: { resolve: { conditions: ['upload-harness-source', 'node', 'development|production'] } },
  test: {
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: one at a time on a 2-core machine. Most files
    // wait on sockets and child processes, so three run side by side on 2 cores (decision 0191: npm test
    // ~128 s with two, 119–130 s with three; the timing-sensitive files run after them, two at a time).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A worker process runs many files one after another (isolate: false), each reusing the modules an
    // earlier one loaded (Fastify, Ajv, the AWS SDK) instead of importing them again: ~30 CPU-s less.
    // Files that replace a module (vi.mock) get their own project with a fresh registry per file.
    isolate: false,
    sequence: { sequencer: longestFirst(fileURLToPath(new URL('.', import.meta.url)), LONGEST_FIRST) },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts', 'examples/embed/**/*.test.ts'], exclude: ['**/node_modules/**', 'test/package/**', ...CLI_TESTS, ...TIMING_TESTS, ...MOCKING_TESTS] } },
      { extends: true, test: { name: 'mocking', include: MOCKING_TESTS, isolate: true } },
      // The build takes seconds: only a run that includes one of these files pays for it. Each test runs
      // whole commands (a conform run is ~76 checks), so it gets more time than a unit test.
      { extends: true, test: { name: 'cli', include: CLI_TESTS, globalSetup: ['test/support/built-cli.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
      { extends: true, test: { name: 'timing', include: TIMING_TESTS, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
