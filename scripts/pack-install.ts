// Packs the package and installs the tarball into an empty project, as a user would — offline, from
// the npm cache that `npm ci` filled. Used by `npm run test:package` (test/package/installed.test.ts)
// and the bench row "installed --help"; test/package-contents.test.ts reads the checkout's pack list.
//
// Packing: dist/ is built into a staged copy (scripts/build-dist.ts --out), never into the checkout's
// own dist/, which other test files may be reading at the same time; the stage holds what `files`
// names, and `npm pack` there applies the same `files` list.
// Installing: `npm ci` fetches tarballs by the lockfile's URLs and integrity and caches only those, not
// the registry's package documents that a plain `npm install <tgz>` would need to resolve version
// ranges offline (it fails with ENOTCACHED). So the empty project gets a lockfile cut from this
// repository's own (the runtime dependency tree, the exact versions `npm ci` fetched) and is installed
// with `npm ci --offline` (docs/decisions/0081-offline-install-test.md).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
  [k: string]: unknown;
}

export interface PackedFile {
  path: string;
  size: number;
}

/** What `npm pack` reports of a package: its sizes and files. */
export interface PackSummary {
  /** Packed (gzip) size in bytes. */
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

export interface Packed extends PackSummary {
  tarball: string;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** `npm pack --json` prints the lifecycle scripts' output first when they run; the JSON is the rest. */
function parsePackJson(stdout: string): Packed & { filename: string } {
  const list = JSON.parse(stdout.slice(stdout.indexOf('['))) as (Packed & { filename: string })[];
  return list[0]!;
}

/** What `npm pack` would put in the tarball from the checkout itself (no scripts run, nothing written). */
export function listCheckoutPack(): PackSummary {
  const { size, unpackedSize, files } = parsePackJson(execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  return { size, unpackedSize, files };
}

/**
 * Stages a copy of the package under `workDir` and packs it there: with `builtDist`, that build of
 * scripts/build-dist.ts (the CLI tests' one, test/support/built-cli.ts) is copied; else dist/ is built.
 */
export function packStaged(workDir: string, builtDist?: string): Packed {
  const stage = join(workDir, 'stage');
  mkdirSync(stage, { recursive: true });
  if (builtDist) cpSync(builtDist, join(stage, 'dist'), { recursive: true });
  else execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-dist.ts'), '--out', join(stage, 'dist')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const pkg = readJson<PackageJson>(join(ROOT, 'package.json'));
  // A pattern (`docs/*.md`) is staged as its whole folder, and an exclusion (`!dist/.build-inputs`) is
  // left to `npm pack`, which applies both itself.
  const entries = ['package.json', 'README.md', ...pkg.files.filter((f) => !f.startsWith('dist') && !f.startsWith('!')).map((f) => (f.includes('*') ? dirname(f) : f))];
  for (const entry of entries) cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  const packed = parsePackJson(execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  return { tarball: join(workDir, packed.filename), size: packed.size, unpackedSize: packed.unpackedSize, files: packed.files };
}

/** An empty ESM project under `workDir/project` with the tarball installed offline; returns its path. */
export function installOffline(workDir: string, tarball: string): string {
  const project = join(workDir, 'project');
  mkdirSync(project, { recursive: true });
  const pkg = readJson<PackageJson>(join(ROOT, 'package.json'));
  const lock = readJson<{ packages: Record<string, LockEntry> }>(join(ROOT, 'package-lock.json'));
  const spec = `file:${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'embedding-project', version: '1.0.0', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  // The repository's tree minus its development-only part; what is optional only for development is
  // optional here (platform binaries of other systems are skipped, as `npm ci` skipped them).
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link) continue;
    const { devOptional, ...rest } = entry;
    packages[path] = devOptional ? { ...rest, optional: true } : rest;
  }
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'embedding-project', version: '1.0.0', private: true, type: 'module', dependencies: { [pkg.name]: spec } }, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify({ name: 'embedding-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
  execFileSync(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  return project;
}
