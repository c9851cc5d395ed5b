import { defineConfig } from 'vitest/config';

// The harness's own tests (test/) and the embedding example (examples/embed/). The conformance suites
// in conformance/ are run by `upload-harness conform` with their own config, never directly by `npm test`.
// The example imports `upload-harness/mock` etc. by the package name: the package's self-reference
// through its "exports", resolved here with the `upload-harness-source` condition to src/public/*.ts
// (the sources under test, not a possibly stale dist/); installed, the same imports load dist/.
export default defineConfig({
  // vitest's own default conditions (Vite's server ones minus `module`, which would send externalized
  // packages such as @aws-sdk to their extensionless ESM builds) plus the source condition.
  ssr: { resolve: { conditions: ['upload-harness-source', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts', 'examples/embed/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
