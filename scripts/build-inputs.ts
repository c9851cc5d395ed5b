// What a build of the package is made from, as one SHA-256: every file the build reads (the sources it
// compiles, the schemas and bundles' sources it copies or bundles, the build script, the compiler settings
// and the lock file that pins the compilers). scripts/build-dist.ts writes it into the build as
// `.build-inputs`; the CLI tests' set-up reuses a dist/ whose inputs are the checkout's, instead of
// building the same bytes again (in CI, `npm ci` has just built it).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILD_INPUTS_FILE = '.build-inputs';

const INPUTS = ['src', 'scenarios', 'conformance', 'schemas', 'scripts/build-dist.ts', 'scripts/build-inputs.ts', 'tsconfig.json', 'tsconfig.types.json', 'package.json', 'package-lock.json'];

function* files(root: string, rel: string): Generator<string> {
  const path = join(root, rel);
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    yield rel;
    return;
  }
  for (const name of readdirSync(path).sort()) yield* files(root, `${rel}/${name}`);
}

/** The hash of the build inputs under `root` (paths and contents, in a fixed order). */
export function buildInputsHash(root: string): string {
  const h = createHash('sha256');
  for (const input of INPUTS) for (const rel of files(root, input)) h.update(`${rel}\0`).update(readFileSync(join(root, rel))).update('\0');
  return h.digest('hex');
}

/** Whether `dist` is a complete build of the inputs under `root` as they are now. */
export function isCurrentBuild(root: string, dist: string): boolean {
  const marker = join(dist, BUILD_INPUTS_FILE);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === buildInputsHash(root);
}
