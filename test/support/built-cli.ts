// The built CLI that the tests spawn: the package built the way `npm pack` does (scripts/build-dist.ts)
// into a staged package — bin/, dist/ and package.json without src/, so bin/upload-harness.js takes its
// installed path and runs the compiled JavaScript. Every CLI test spawns plain node on it: no TypeScript
// compiler loads per spawn, and the build the tests exercise is the one users install
// (test/package-install.test.ts packs this same dist/ instead of building again).
//
// Staged once per vitest run, on first use (test/support/cli.ts builtCli()), so a run without a CLI test
// pays nothing: the first worker to need it takes a lock (a directory: mkdir is atomic across the worker
// processes) and stages; the others wait for bin/ to appear. A checkout's dist/ that is a build of its
// sources as they are (its `.build-inputs` hash matches, as right after `npm ci`) is copied instead of
// built again. The stage sits under the checkout's node_modules/ so the compiled modules resolve their
// dependencies there; it is per run (the main process's pid) because several runs may share a checkout.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { isCurrentBuild } from '../../scripts/build-inputs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** Longest wait for another worker's build (a cold build takes ~6 s on 2 cores). */
const WAIT_MS = 180_000;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run stages the built CLI (test/support/cli.ts stages it on first use). */
    cliStage: string;
  }
}

/** vitest globalSetup: names this run's stage and removes it when the run ends; builds nothing. */
export default function setup(project: TestProject): () => void {
  const stage = join(ROOT, 'node_modules', '.cache', `upload-harness-cli-${process.pid}`);
  const clear = () => {
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${stage}.lock`, { recursive: true, force: true });
  };
  clear();
  project.provide('cliStage', stage);
  return clear;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The staged bin/upload-harness.js, staging it first when no worker has yet. */
export function stagedCli(stage: string): string {
  const bin = join(stage, 'bin', 'upload-harness.js');
  if (existsSync(bin)) return bin;
  const lock = `${stage}.lock`;
  try {
    mkdirSync(lock, { recursive: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    for (const until = Date.now() + WAIT_MS; Date.now() < until; sleep(50)) {
      if (existsSync(bin)) return bin;
      if (!existsSync(lock)) throw new Error(`staging the built CLI failed in another test worker (see its output); ${bin} is missing`, { cause: err });
    }
    throw new Error(`the built CLI was not staged within ${WAIT_MS / 1000} s (${lock} still held)`, { cause: err });
  }
  try {
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(join(stage, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
    const dist = join(ROOT, 'dist');
    if (isCurrentBuild(ROOT, dist)) {
      cpSync(dist, join(stage, 'dist'), { recursive: true });
      console.log('cli tests: dist/ is a build of the sources as they are (.build-inputs): staged a copy');
    } else {
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-dist.ts'), '--out', join(stage, 'dist')], { cwd: ROOT });
      console.log('cli tests: built the package from the sources');
    }
    // bin/ last, by rename: a waiting worker that sees it sees a complete stage.
    cpSync(join(ROOT, 'bin', 'upload-harness.js'), `${bin}.tmp`);
    renameSync(`${bin}.tmp`, bin);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
