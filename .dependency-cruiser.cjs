// The import rules of docs/architecture.md, enforced (`npm run boundaries`, part of `npm test`).
// One rule per folder: what it may import from inside the repository (type-only imports included:
// tsPreCompilationDeps sees `import type`), and the folders that run inside k6 also may not import
// Node built-ins or npm packages. test/boundaries.test.ts proves that a planted forbidden import fails.

/** A path regex for a folder (or file) and everything beneath it. */
const under = (...folders) => `^(${folders.map((f) => f.replace(/\./g, '\\.')).join('|')})(/|$)`;

/** Every folder of the repository that a rule can name (a target outside these is an npm package or built-in). */
const REPO = under('src', 'scenarios', 'conformance', 'test', 'bench', 'scripts', 'bin', 'examples', 'schemas');

/**
 * [rule name, the folder it governs, the folders it may import from besides itself]. Mirrors the table in
 * docs/architecture.md; change both together.
 */
const LAYERS = [
  ['protocol-imports-nothing', 'src/protocol', []],
  ['results-only-protocol', 'src/results', ['src/protocol']],
  ['config-imports-nothing', 'src/config', []],
  ['validation-imports-nothing', 'src/validation', []],
  ['flows-only-protocol', 'scenarios/flows', ['src/protocol']],
  ['k6-only-flows-and-protocol', 'scenarios/k6', ['scenarios/flows', 'src/protocol']],
  ['client-below-it-only', 'src/client', ['src/protocol', 'src/results', 'src/config']],
  ['mock-knows-no-client-conformance-load', 'src/mock', ['src/protocol', 'src/results', 'src/config', 'src/validation']],
  ['verify-only-mock-and-below', 'src/verify', ['src/mock', 'src/protocol', 'src/results', 'src/config']],
  ['conformance-no-load-report-cli', 'src/conformance', ['src/client', 'src/mock', 'src/protocol', 'src/results', 'src/config', 'src/validation']],
  ['load-no-report-cli-conformance', 'src/load', ['scenarios/flows', 'src/client', 'src/mock', 'src/protocol', 'src/results', 'src/config', 'src/validation']],
  ['behaviour-no-conformance-report-cli', 'src/behaviour', ['src/client', 'src/results', 'src/config', 'src/validation']],
  ['report-only-results', 'src/report', ['src/results']],
  ['public-reexports-no-cli', 'src/public', ['src/protocol', 'src/results', 'src/config', 'src/validation', 'src/client', 'src/mock', 'src/verify', 'src/conformance', 'src/load', 'src/report']],
  ['cli-only-src-and-scenarios', 'src/cli', ['src', 'scenarios']],
  ['cli-entry-only-src', 'src/cli.ts', ['src']],
  ['suites-only-their-layers', 'conformance', ['src/conformance', 'src/client', 'src/protocol', 'src/results', 'src/validation']],
];

/** npm package and Node built-in dependency types, as dependency-cruiser names them. */
const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

module.exports = {
  forbidden: [
    ...LAYERS.map(([name, folder, may]) => ({
      name,
      severity: 'error',
      comment: `${folder} may import only from ${may.length ? may.join(', ') : 'itself'} (docs/architecture.md)`,
      from: { path: under(folder) },
      to: { path: REPO, pathNot: under(folder, ...may) },
    })),
    {
      name: 'k6-code-no-node-builtins',
      severity: 'error',
      comment: 'src/protocol and scenarios/ run inside k6: no Node built-ins (node:*)',
      from: { path: under('src/protocol', 'scenarios') },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'k6-code-no-npm-packages',
      severity: 'error',
      comment: 'src/protocol and scenarios/ run inside k6: no npm packages (scenarios/k6 may use k6 modules)',
      from: { path: under('src/protocol', 'scenarios') },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/@types/k6/' },
    },
    {
      name: 'renderers-and-models-no-node-builtins',
      severity: 'error',
      comment: 'src/report only renders and src/results only models: no Node built-ins (no file or network I/O)',
      from: { path: under('src/report', 'src/results') },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'results-only-hdr-histogram',
      severity: 'error',
      comment: 'src/results may use one npm package: hdr-histogram-js',
      from: { path: under('src/results') },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/hdr-histogram-js/' },
    },
    {
      name: 'k6-modules-only-in-k6-entries',
      severity: 'error',
      comment: 'k6 modules exist only inside k6: only scenarios/k6 may import them',
      from: { pathNot: under('scenarios/k6') },
      to: { path: '(^|/)node_modules/@types/k6/|^k6(/|$)' },
    },
    {
      name: 'shipped-code-no-dev-dependencies',
      severity: 'error',
      comment: 'what dist/ is built from runs where only "dependencies" are installed (npm run test:package installs it so); src/load/build.ts imports esbuild only in a source checkout (decision 0080)',
      from: { path: under('src', 'conformance', 'scenarios/flows'), pathNot: under('src/load/build.ts') },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing (k6 modules are provided by k6 itself)',
      from: {},
      to: { couldNotResolve: true, pathNot: '^k6(/|$)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['upload-harness-source', 'import', 'types', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: false } },
  },
};
