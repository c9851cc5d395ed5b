// `--help` answers at Node's start-up speed because it loads no command implementation: the top-level
// usage loads no command module, `<command> --help` only src/cli/<command>-help.ts; and `conform` loads
// no part of the load engine. Proven by the list of modules the built CLI (what users install) loads
// (test/fixtures/record-module-loads.mjs), not by a clock; the time itself is a bench row
// (bench/startup.ts, ratio to `node -e 0`).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../src/cli.ts';
import { builtCli } from './support/cli.ts';

const run = promisify(execFile);
const RECORDER = join(import.meta.dirname, 'fixtures', 'record-module-loads.mjs');

let dir: string;
let bin: string;
/** The staged package (bin/, dist/): it sits under node_modules/.cache, so its own files are not packages. */
let stage: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-help-loads-'));
  bin = builtCli();
  stage = pathToFileURL(dirname(dirname(bin))).href;
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The URLs of the modules a `node` process with the recorder loaded. */
async function modulesLoaded(name: string, nodeArgs: string[]): Promise<string[]> {
  const file = join(dir, `${name}.txt`);
  await run(process.execPath, ['--import', RECORDER, ...nodeArgs], { cwd: dirname(dirname(bin)), env: { ...process.env, RECORD_MODULE_LOADS: file } });
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  expect(urls.some((u) => u.startsWith(`${stage}/dist/src/cli`)), 'the recorder saw the built CLI load').toBe(true);
  return urls;
}

/** The harness's own modules among them, relative to the package (`dist/src/load/run.js`). */
const harnessModules = (urls: readonly string[], folder: string) => urls.filter((u) => u.startsWith(`${stage}/${folder}`)).map((u) => u.slice(stage.length + 1));

/** The npm packages whose files a `node` process with the recorder loaded, by name. */
async function packagesLoaded(name: string, nodeArgs: string[]): Promise<string[]> {
  const urls = await modulesLoaded(name, nodeArgs);
  const names = urls
    .filter((u) => !u.startsWith(`${stage}/`))
    .map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1])
    .filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

describe('start-up: what --help loads', () => {
  it('the recorder sees the heavy packages when the conform and mock commands themselves are loaded (so the checks below can fail)', async () => {
    const loaded = await packagesLoaded('command-modules', ['--input-type=module', '-e', "await import('./dist/src/cli/conform.js'); await import('./dist/src/cli/mock.js')"]);
    expect(loaded).toEqual(expect.arrayContaining(['vitest', 'undici', 'fastify']));
  });

  it('`upload-harness --help` loads no npm package', async () => {
    expect(await packagesLoaded('usage', [bin, '--help'])).toEqual([]);
  });

  it.each(COMMAND_NAMES)('`upload-harness %s --help` loads no npm package', async (name) => {
    expect(await packagesLoaded(`${name}-help`, [bin, name, '--help'])).toEqual([]);
  });
});

describe('start-up: what a command loads', () => {
  // `conform` records the harness's version; that constant once came from the load engine's module, so
  // every conform run loaded the engines, the k6 output reader and the flows (24 modules) for it.
  it('`conform` loads none of the load engine, which `load` does (so the check can fail)', async () => {
    const conform = await modulesLoaded('conform-module', ['--input-type=module', '-e', "await import('./dist/src/cli/conform.js')"]);
    expect(harnessModules(conform, 'dist/src/conformance/').length, 'the recorder saw conform load its runner').toBeGreaterThan(3);
    // (threshold-error.js is one error class, which the option parser of every command names)
    expect(harnessModules(conform, 'dist/src/load/')).toEqual(['dist/src/load/threshold-error.js']);
    const load = await modulesLoaded('load-module', ['--input-type=module', '-e', "await import('./dist/src/cli/load.js')"]);
    expect(harnessModules(load, 'dist/src/load/')).toContain('dist/src/load/run.js');
  });
});
