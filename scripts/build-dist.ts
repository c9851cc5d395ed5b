// The published build (npm `prepare`: runs on `npm ci` in a checkout and on `npm pack`/`npm publish`):
// dist/ with the repository's layout (dist/src, dist/scenarios/flows, dist/conformance), so every path a
// module computes relative to its own URL (schemas, suites, k6 bundles) resolves alike from source and
// from dist.
//   JavaScript    every .ts of src/, scenarios/flows/ and conformance/ (the suites vitest runs) through
//                 TypeScript's transpileModule (isolated per file: verbatimModuleSyntax makes that exact;
//                 `.ts` specifiers rewritten to `.js`). `npm test` type-checks; the build need not.
//   declarations  tsc -p tsconfig.types.json: the public entries (src/public/*) and what they reference.
//   assets        schemas/, conformance/*.json, the hash worker (.mjs) and the prebuilt k6 bundles.
//   .build-inputs the hash of what the build was made from (scripts/build-inputs.ts).
// Prints how long it took.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { buildK6Bundles } from '../src/load/build.ts';
import { BUILD_INPUTS_FILE, buildInputsHash } from './build-inputs.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** `--out DIR` builds elsewhere (the installed-package suite stages a copy, leaving the checkout's dist/ alone). */
const outFlag = process.argv.indexOf('--out');
const DIST = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]!) : join(ROOT, 'dist');
/** What the JavaScript build compiles: the CLI and library, the flows they import, the suites. */
const SOURCE_DIRS = ['src', 'scenarios/flows', 'conformance'];
const started = Date.now();

function tscDeclarations(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.types.json', '--outDir', DIST], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.types.json exited with ${code}`))));
  });
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

function transpile(): number {
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, // the package is "type": "module"; NodeNext would guess CommonJS per file here
    verbatimModuleSyntax: true,
    rewriteRelativeImportExtensions: true,
  };
  let n = 0;
  for (const dir of SOURCE_DIRS) {
    for (const file of files(join(ROOT, dir))) {
      const rel = relative(ROOT, file);
      const out = join(DIST, rel);
      mkdirSync(dirname(out), { recursive: true });
      if (file.endsWith('.d.ts')) continue;
      if (file.endsWith('.ts')) {
        const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
        writeFileSync(out.replace(/\.ts$/, '.js'), outputText);
        n++;
      } else if (/\.(mjs|json)$/.test(file)) {
        cpSync(file, out); // the hash worker, conformance/{deviations,fault-matrix}.json
      }
    }
  }
  return n;
}

rmSync(DIST, { recursive: true, force: true });
const declarations = tscDeclarations();
const bundles = buildK6Bundles({ outDir: join(DIST, 'k6') });
const compiled = transpile();
cpSync(join(ROOT, 'schemas'), join(DIST, 'schemas'), { recursive: true });
await Promise.all([declarations, bundles]);
// Written last: a build that stopped half-way has no marker, so nothing reuses it.
writeFileSync(join(DIST, BUILD_INPUTS_FILE), `${buildInputsHash(ROOT)}\n`);
console.log(`${relative(process.cwd(), DIST) || '.'} built in ${((Date.now() - started) / 1000).toFixed(1)} s (${compiled} modules, declarations, k6 bundles)`);
