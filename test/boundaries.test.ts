// The layer rules can fail: dependency-cruiser (`npm run boundaries`, with the repository's own
// .dependency-cruiser.cjs) rejects a planted forbidden import, type-only ones included, and a development
// dependency imported by shipped code; npm test's type-check and lint reject their plants (among them a
// DOM global in code that runs in k6, which scenarios/k6/tsconfig.json types without a DOM lib). Each
// plant goes into a copy, never into the checkout.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of src/, scenarios/ and the configs, sharing the checkout's node_modules. */
function copyOfTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'uh-boundaries-'));
  copies.push(dir);
  for (const part of ['src', 'scenarios', 'schemas', '.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) {
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

async function exitOf(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cmd, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const cruise = (dir: string) => exitOf(DEPCRUISE, ['src', 'scenarios', '--config', '.dependency-cruiser.cjs'], dir);

describe('dependency-cruiser keeps the layers of docs/architecture.md', () => {
  // One cruise of a planted copy: it fails naming exactly the plants, so the tree as it is passes (the
  // static checks of `npm test` also cruise the checkout itself).
  it('fails on planted forbidden imports, type-only ones included, naming each rule, and on nothing else', async () => {
    const dir = copyOfTree();
    writeFileSync(join(dir, 'src/protocol/planted.ts'), "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    writeFileSync(join(dir, 'src/mock/planted.ts'), "import type { LoadConfig } from '../load/config.ts';\nexport type Planted = LoadConfig;\n");
    writeFileSync(join(dir, 'scenarios/flows/planted.ts'), "import { request } from 'undici';\nexport const r = request;\n");
    writeFileSync(join(dir, 'src/report/planted.ts'), "import type { OptionTable } from '../cli/args.ts';\nexport type Planted = OptionTable;\n");
    writeFileSync(join(dir, 'src/cli/planted.ts'), "import { ESLint } from 'eslint';\nexport const lint = ESLint;\n"); // a development dependency
    const { code, out } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(out).toMatch(/error k6-code-no-node-builtins: src\/protocol\/planted\.ts → /);
    expect(out).toMatch(/error mock-knows-no-client-conformance-load: src\/mock\/planted\.ts → src\/load\/config\.ts/);
    expect(out).toMatch(/error k6-code-no-npm-packages: scenarios\/flows\/planted\.ts → \S*node_modules\/undici\//);
    expect(out).toMatch(/error report-only-results: src\/report\/planted\.ts → src\/cli\/args\.ts/);
    expect(out).toMatch(/error shipped-code-no-dev-dependencies: src\/cli\/planted\.ts → \S*node_modules\/eslint\//);
    const violations = out.split('\n').filter((l) => /^\s*(error|warn)\s/.test(l));
    expect(violations).toHaveLength(5);
    expect(violations.filter((l) => !/^\s*error [\w-]+: [\w/]+\/planted\.ts → /.test(l))).toEqual([]);
    expect(out).toContain('x 5 dependency violations (5 errors, 0 warnings)');
  });

  it('encodes every row of the import table in docs/architecture.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const config = readFileSync(join(ROOT, '.dependency-cruiser.cjs'), 'utf8');
    const table = doc.slice(doc.indexOf('| folder |'), doc.indexOf('\n\n', doc.indexOf('| folder |')));
    const governed = table.split('\n').slice(2).flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+?)\/?`/g)].map((m) => m[1]!));
    expect(governed.length).toBeGreaterThan(14);
    // bin/, scripts/, bench/ and test/ may import anything: they have no rule.
    for (const folder of governed.filter((f) => !['test', 'bench', 'scripts', 'bin'].includes(f))) expect(config, folder).toContain(`'${folder}', [`);
  });
});

describe('the type-check and lint of npm test (scripts/typecheck-and-lint.ts)', () => {
  // One run over a copy holding only the configs and the plants: a type error, a DOM global where k6 code
  // runs (scenarios/k6/tsconfig.json has no DOM lib) and a promise nobody awaits, in each program.
  let result: { code: number; out: string };
  let emitted: string[];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uh-typecheck-'));
    copies.push(dir);
    for (const part of ['scripts/typecheck-and-lint.ts', 'package.json', 'scenarios/k6/tsconfig.json']) cpSync(join(ROOT, part), join(dir, part));
    // tsconfig.json without its noEmit: the script must never write JavaScript beside the sources, whatever
    // a tsconfig (or a broken one, read partly) says.
    const tsconfig = readFileSync(join(ROOT, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toContain('"noEmit": true,');
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig.replace('"noEmit": true,', ''));
    // The config with its project service off: type information can then come only from the script's
    // own programs, so the floating promises below are found only if the script hands them to ESLint.
    const config = readFileSync(join(ROOT, 'eslint.config.js'), 'utf8');
    expect(config).toContain('projectService: true');
    writeFileSync(join(dir, 'eslint.config.js'), config.replace('projectService: true', 'projectService: false'));
    // The packages, each linked, but not node_modules/.cache: the run's caches stay in the copy.
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(ROOT, 'node_modules')).filter((n) => n !== '.cache')) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
    const floating = 'async function later(): Promise<void> {}\nexport function fire(): void {\n  later();\n}\n';
    mkdirSync(join(dir, 'src/protocol'), { recursive: true });
    mkdirSync(join(dir, 'scenarios/flows'), { recursive: true });
    writeFileSync(join(dir, 'src/protocol/planted.ts'), "export const e = new TextEncoder();\nexport const u = new URL('http://127.0.0.1/');\n");
    writeFileSync(join(dir, 'scenarios/flows/planted.ts'), 'export const f = fetch;\n');
    writeFileSync(join(dir, 'scenarios/k6/planted.ts'), floating);
    writeFileSync(join(dir, 'src/typed.ts'), `export const n: number = 'text';\n${floating}`);
    result = await exitOf(TSX, [join(dir, 'scripts/typecheck-and-lint.ts')], dir);
    emitted = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('node_modules') && /\.js$/.test(f) && f !== 'eslint.config.js');
  }, 60_000);

  it('the k6 type-check has no DOM lib: rejects TextEncoder, URL and fetch in src/protocol and scenarios/', () => {
    const { code, out } = result;
    expect(code).toBe(1);
    expect(out).toMatch(/src\/protocol\/planted\.ts\(1,\d+\): error TS2304: Cannot find name 'TextEncoder'/);
    expect(out).toMatch(/src\/protocol\/planted\.ts\(2,\d+\): error TS2304: Cannot find name 'URL'/);
    expect(out).toMatch(/scenarios\/flows\/planted\.ts\(1,\d+\): error TS2304: Cannot find name 'fetch'/);
  });

  it('fails on a type error and on a floating promise in either program (ESLint types a file with its own tsconfig)', () => {
    const { code, out } = result;
    expect(code).toBe(1);
    expect(out).toMatch(/src\/typed\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
    const floating = (file: string) => new RegExp(`${file}\\n(?:  .*\\n)*?  \\d+:3 +error +Promises must be awaited.*@typescript-eslint/no-floating-promises`);
    expect(out).toMatch(floating('scenarios/k6/planted\\.ts'));
    expect(out).toMatch(floating('src/typed\\.ts'));
    expect(out).not.toMatch(/Parsing error|not included in/);
  });

  it('writes no JavaScript, even from a tsconfig without noEmit', () => {
    expect(emitted).toEqual([]);
    expect(result.out).not.toMatch(/TS5096/); // allowImportingTsExtensions without noEmit
  });
});

describe('the docs show the layers', () => {
  const folders = [
    ...readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}/`),
    ...readdirSync(join(ROOT, 'scenarios'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `scenarios/${d.name}/`),
    'src/cli.ts',
  ];

  it('docs/architecture.md "Layout" names every folder of src/ and scenarios/', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const at = doc.indexOf('## Layout');
    expect(at, 'docs/architecture.md has a "## Layout" section').toBeGreaterThan(-1);
    const next = doc.indexOf('\n## ', at + 1);
    const layout = doc.slice(at, next === -1 ? undefined : next);
    const named = layout.split('\n').map((l) => l.split(/\s{2,}/)[0]!);
    for (const f of folders.filter((f) => !f.startsWith('scenarios/'))) expect(named, f).toContain(f);
    expect(named).toContain('scenarios/');
    for (const top of ['bin/', 'scripts/', 'bench/', 'test/', 'conformance/', 'schemas/', 'examples/']) expect(named, top).toContain(top);
  });

  it('docs/architecture.md has an import rule for every folder of src/ and scenarios/', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const f of folders) expect(doc, f).toContain(`| \`${f}\` |`);
  });
});
