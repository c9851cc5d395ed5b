// The type-check and the lint of `npm test`, on one TypeScript program per tsconfig: tsc's check of
// tsconfig.json and scenarios/k6/tsconfig.json (the same diagnostics `tsc --noEmit -p` prints), then
// ESLint with eslint.config.js, its type-aware rules answered by those same programs instead of a
// second set that typescript-eslint's project service would build and check again (decision 0197:
// ~11 CPU-s less on a cold run). Exits 1 if either found an error.
//
// Both keep a cache between runs (under node_modules/, gitignored): tsc's build info, so an unchanged
// file is not checked again, and ESLint's per-file results. `npm run lint` is plain `eslint .` with the
// same config, for a run without the type-check.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'upload-harness-checks');
/** Each tsconfig, and the name of its build info. A file in both is linted with the first that has it. */
const PROJECTS = [
  { config: 'tsconfig.json', buildInfo: 'tsc-main.tsbuildinfo' },
  { config: 'scenarios/k6/tsconfig.json', buildInfo: 'tsc-k6.tsbuildinfo' },
];
const colour = process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : process.stdout.isTTY;

const formatHost: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
const printDiagnostics = (diagnostics: readonly ts.Diagnostic[]) => process.stdout.write((colour ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics)(diagnostics, formatHost));

/** tsc's incremental program of one tsconfig (its build info written, as `tsc --incremental` does), and
 * what `tsc --noEmit` reports for it, in its order: semantic errors only when the syntax is sound. */
function check(config: string, buildInfo: string): { program: ts.Program; diagnostics: readonly ts.Diagnostic[] } {
  const unreadable: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => unreadable.push(d) };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, config), { noEmit: true, incremental: true, tsBuildInfoFile: join(CACHE, buildInfo) }, host);
  if (!parsed) {
    printDiagnostics(unreadable);
    process.exit(1);
  }
  const builder = ts.createIncrementalProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, configFileParsingDiagnostics: parsed.errors });
  const early = [...parsed.errors, ...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics(), ...builder.getSyntacticDiagnostics()];
  const diagnostics = early.length ? early : builder.getSemanticDiagnostics();
  builder.emit(); // noEmit (forced above, whatever the tsconfig says): writes only the build info
  return { program: builder.getProgram(), diagnostics };
}

const projects = PROJECTS.map((p) => check(p.config, p.buildInfo));
// A file in both programs (src/protocol/) reports its error in each: once is enough.
const key = (d: ts.Diagnostic) => `${d.file?.fileName}:${d.start}:${d.code}:${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
const diagnostics = [...new Map(projects.flatMap((p) => p.diagnostics).map((d) => [key(d), d])).values()];
const typeErrors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
process.stdout.write(`tsc (${PROJECTS.map((p) => p.config).join(', ')}): ${typeErrors ? `${typeErrors} error(s)` : 'no errors'}\n`);
if (diagnostics.length) printDiagnostics(diagnostics);

// typescript-eslint's parser, handed the programs above: the project service that eslint.config.js
// asks for (which an editor's ESLint uses) stays off here. Named, so ESLint's cache can key on it.
// (typescript-eslint types its parser for configs only; parseForESLint takes the parser options too.)
const programs = projects.map((p) => p.program);
const parser = tseslint.parser as unknown as { parseForESLint(code: string, options: object): unknown };
const sharedProgramParser = {
  meta: { name: 'typescript-eslint-parser+shared-program' },
  parseForESLint: (code: string, options: object) => parser.parseForESLint(code, { ...options, projectService: false, programs }),
};
const eslint = new ESLint({
  cwd: ROOT,
  cache: true,
  cacheStrategy: 'content',
  cacheLocation: join(CACHE, 'eslint'),
  overrideConfig: { files: ['**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: { parser: sharedProgramParser } },
});
const results = await eslint.lintFiles(['.']);
const lintErrors = results.reduce((n, r) => n + r.errorCount, 0);
const formatted = await (await eslint.loadFormatter('stylish')).format(results);
process.stdout.write(`eslint: ${lintErrors ? `${lintErrors} error(s)` : 'no errors'}\n${formatted}`);
process.exitCode = typeErrors || lintErrors ? 1 : 0;
