import { defineConfig } from 'vitest/config';

// The harness's own tests (test/). The conformance suites in conformance/ are run by
// `upload-harness conform` with their own config, never directly by `npm test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
