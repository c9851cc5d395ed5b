// Lint (`npm run lint`, part of `npm test`): typescript-eslint's recommended rules with type information,
// so a promise nobody awaits (no-floating-promises) or one passed where a callback is expected
// (no-misused-promises) fails the build.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', 'bench/peers/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `!` after an index or a find() documents that the value is known to be there; tsc does not need it
      // (no noUncheckedIndexedAccess), but removing it would only churn every file.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `_name` marks a parameter or binding kept for its position or to leave it out of a rest object.
      // `async` marks a function whose contract is to answer a promise (Fastify handlers, Transport.request),
      // awaited or not; dropping it would change what a synchronous throw does.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Plain JavaScript (bin, config files, worker, fixture clients): no type information to lint with.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // Tests read JSON (reports, answers, k6 summaries) as `any` on purpose: what they assert is its shape.
    files: ['test/**', 'conformance/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
