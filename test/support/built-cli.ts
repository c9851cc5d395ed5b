// vitest globalSetup of the `cli` project: builds the package once per run, the way `npm pack` does
// (scripts/build-dist.ts), into a staged package — bin/, dist/ and package.json without src/, so
// bin/upload-harness.js takes its installed path and runs the compiled JavaScript. Every CLI test then
// spawns plain node on it: no TypeScript compiler loads per spawn, and the build the tests exercise is
// the one users install (`npm run test:package` packs this same dist/ instead of building again).
// A checkout's dist/ that is a build of its sources as they are (its `.build-inputs` hash matches, as
// right after `npm ci`) is copied instead of built again.
// The stage sits under the checkout's node_modules/ so the compiled modules resolve their dependencies
// there; it is per run (pid) because several runs may share a checkout.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { isCurrentBuild } from '../../scripts/build-inputs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The staged built CLI's bin/upload-harness.js. */
    builtCli: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const stage = join(ROOT, 'node_modules', '.cache', `upload-harness-cli-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'bin', 'upload-harness.js'), join(stage, 'bin', 'upload-harness.js'));
  cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
  const dist = join(ROOT, 'dist');
  if (isCurrentBuild(ROOT, dist)) {
    cpSync(dist, join(stage, 'dist'), { recursive: true });
    console.log('cli tests: dist/ is a build of the sources as they are (.build-inputs): staged a copy');
  } else {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-dist.ts'), '--out', join(stage, 'dist')], { cwd: ROOT });
    console.log('cli tests: built the package from the sources');
  }
  project.provide('builtCli', join(stage, 'bin', 'upload-harness.js'));
  return () => rmSync(stage, { recursive: true, force: true });
}
