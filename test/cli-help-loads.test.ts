// `--help` answers at Node's start-up speed because it loads no command implementation: the top-level
// usage loads no command module, `<command> --help` only src/cli/<command>-help.ts. Proven by the list
// of modules the process loads (test/fixtures/record-module-loads.mjs), not by a clock; the time itself
// is a bench row (bench/startup.ts, ratio to `node -e 0`).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../src/cli.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const RECORDER = join(ROOT, 'test/fixtures/record-module-loads.mjs');

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'uh-help-loads-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The npm packages whose files a `node` process (tsx first, then the recorder) loaded, by name. */
async function packagesLoaded(name: string, nodeArgs: string[]): Promise<string[]> {
  const file = join(dir, `${name}.txt`);
  await run(process.execPath, ['--import', 'tsx', '--import', RECORDER, ...nodeArgs], { cwd: ROOT, env: { ...process.env, RECORD_MODULE_LOADS: file } });
  const urls = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  expect(urls.some((u) => u.endsWith('/src/cli.ts') || u.includes('/src/cli/')), 'the recorder saw the CLI load').toBe(true);
  const names = urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}

describe('start-up: what --help loads', () => {
  it('the recorder sees the heavy packages when the conform and mock commands themselves are loaded (so the checks below can fail)', async () => {
    const loaded = await packagesLoaded('command-modules', ['--input-type=module', '-e', "await import('./src/cli/conform.ts'); await import('./src/cli/mock.ts')"]);
    expect(loaded).toEqual(expect.arrayContaining(['vitest', 'undici', 'fastify']));
  });

  it('`upload-harness --help` loads no npm package', async () => {
    expect(await packagesLoaded('usage', ['src/cli.ts', '--help'])).toEqual([]);
  });

  it.each(COMMAND_NAMES)('`upload-harness %s --help` loads no npm package', async (name) => {
    expect(await packagesLoaded(`${name}-help`, ['src/cli.ts', name, '--help'])).toEqual([]);
  });
});
