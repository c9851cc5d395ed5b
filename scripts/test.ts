// `npm test`: the static checks (type-check and lint, module boundaries, unused code) one after another
// in one lane while vitest runs the tests in another, so the test run's waits on sockets and child
// processes overlap the checks' CPU. vitest's output streams as it comes; each check's output is
// printed when it ends. Exits 1 if anything failed, naming what. Arguments go to vitest
// (`npm test -- test/protocol.test.ts`).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg: string, path: string) => join(ROOT, 'node_modules', pkg, path);

interface Step {
  name: string;
  args: string[];
}

/** Where the checks keep what they learnt about unchanged files (gitignored, under node_modules/). */
const CACHE = join(ROOT, 'node_modules', '.cache', 'upload-harness-checks');

/**
 * The static checks, the type-check first so a type error shows early. Each keeps a cache, so a run after
 * a small change re-checks little (a fresh clone, as in CI, checks everything). ESLint's cache is per file:
 * a type-aware rule in a file whose dependency alone changed is re-run only when that file is.
 */
const CHECKS: Step[] = [
  { name: 'tsc + eslint', args: ['--import', 'tsx', join(ROOT, 'scripts', 'typecheck-and-lint.ts')] },
  { name: 'depcruise', args: [bin('dependency-cruiser', 'bin/dependency-cruise.mjs'), 'src', 'scenarios', 'conformance', '--config', '.dependency-cruiser.cjs', '--cache', join(CACHE, 'depcruise'), '--cache-strategy', 'content'] },
  { name: 'knip', args: [bin('knip', 'bin/knip.js'), '--cache', '--cache-location', join(CACHE, 'knip')] },
];

interface Outcome {
  name: string;
  code: number | null;
  ms: number;
}

/**
 * Every step's node gets a larger young generation: tsc and ESLint allocate many short-lived objects,
 * and fewer scavenges cost ~15 % less CPU (cold, on a 2-core machine: tsc 15.8 → 12.5 CPU-s, ESLint
 * 30–34 → 26–30 CPU-s), and CPU is what bounds `npm test` there. (vitest's workers showed no gain.)
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];

/** Runs one step; `stream` passes its output through as it comes, else it is printed at the end. */
function run(step: Step, stream: boolean): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, ...step.args], { cwd: ROOT, stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : undefined } });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const done = (code: number | null) => {
      const ms = Date.now() - started;
      if (!stream) process.stdout.write(`\n── ${step.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${(ms / 1000).toFixed(1)} s\n${output}`);
      resolve({ name: step.name, code, ms });
    };
    child.on('error', (err) => {
      output += `${err.message}\n`;
      done(null);
    });
    child.on('close', done);
  });
}

async function checks(): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const step of CHECKS) out.push(await run(step, false));
  return out;
}

const started = Date.now();
const [staticOutcomes, tests] = await Promise.all([checks(), run({ name: 'vitest run', args: [bin('vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)] }, true)]);
const outcomes = [...staticOutcomes, tests];
const failed = outcomes.filter((o) => o.code !== 0);
process.stdout.write(`\n${outcomes.map((o) => `${o.code === 0 ? 'ok    ' : 'FAILED'} ${o.name} (${(o.ms / 1000).toFixed(1)} s)`).join('\n')}\nnpm test: ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length ? `, failed: ${failed.map((o) => o.name).join(', ')}` : ''}\n`);
process.exitCode = failed.length ? 1 : 0;
