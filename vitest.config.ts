import { defineConfig } from 'vitest/config';

// The harness's own tests (test/) and the embedding example (examples/embed/). The conformance suites
// in conformance/ are run by `upload-harness conform` with their own config, never directly by `npm test`.
// The example imports `upload-harness/mock` etc. by the package name: the package's self-reference
// through its "exports", resolved here with the `upload-harness-source` condition to src/public/*.ts
// (the sources under test, not a possibly stale dist/); installed, the same imports load dist/.

/**
 * Test files whose assertions rest on the machine keeping time (an engine holding a rate, a latency
 * percentile, a server-side count within 1 %): run after everything else, so a neighbouring worker's CPU
 * burst cannot make them fail for a reason their titles do not name. Two at a time: each keeps well under
 * one core busy, so a pair leaves each a core (decision 0192: 24 runs of the project in a row, all passed).
 */
const TIMING_TESTS = [
  'test/load/engine-scheduler.test.ts',
  'test/load/rate-held-property.test.ts',
  'test/load-intended-latency.test.ts',
  'test/reliability-slow-clients.test.ts',
];

/** Test files that replace a Node module (vi.mock('node:crypto')): they need a module registry of their own. */
const MOCKING_TESTS = ['test/mock/auth-connection.test.ts', 'test/regressions/auth-constant-time.test.ts'];

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
    projects: [
      // The files that spawn the CLI (test/support/cli.ts) run here too, in the same workers, so their
      // waits on child processes overlap the other files' CPU (decision 0195: a project of their own cost a
      // worker set and ~4 s of `npm test`). The globalSetup only names the run's stage of the built CLI;
      // the first test that spawns the CLI stages it. A CLI test runs whole commands (a conform run is ~76
      // checks), hence the longer time-outs.
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'examples/embed/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...TIMING_TESTS, ...MOCKING_TESTS],
          globalSetup: ['test/support/built-cli.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      { extends: true, test: { name: 'mocking', include: MOCKING_TESTS, isolate: true } },
      { extends: true, test: { name: 'timing', include: TIMING_TESTS, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
