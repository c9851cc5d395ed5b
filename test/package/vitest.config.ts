// `npm run test:package` (scripts/test-package.ts): the packed package installed and used on each Node
// runtime given (test/package/installed.test.ts). Its own config, because `npm test` (vitest.config.ts)
// tests the sources and the checkout's build, and leaves installing the package to this run (decision 0198).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/package/**/*.test.ts'],
    // The build the package is packed from, staged once (the same globalSetup as `npm test`'s cli project).
    globalSetup: ['test/support/built-cli.ts'],
    // Each test runs whole commands on an installed package (a conform run is ~76 checks).
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
