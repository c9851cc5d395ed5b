// The package as a user gets it (`npm run test:package`, scripts/test-package.ts; not part of `npm test`,
// decision 0198): packed (this run's fresh build of dist/, test/support/built-cli.ts, in a staged copy),
// installed into an empty project offline from the npm cache, and used there on each Node runtime the run
// is given (UPLOAD_HARNESS_RUNTIMES: Node binaries; by default the Node running this file) — `npx
// upload-harness --help`, `conform` against the embedded mock (passing) and against the installed mock
// with a fault (failing), `build`, the embed example's vitest suite, the public entries from plain Node —
// and its type declarations with TypeScript. The tarball itself is held to the rules `npm test` applies to
// the checkout's pack (test/support/package-contents.ts).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/cli.ts';
import { installOffline, packStaged, ROOT, type Packed } from '../../scripts/pack-install.ts';
import { builtCli } from '../support/cli.ts';
import { packageProblems } from '../support/package-contents.ts';

const exec = promisify(execFile);
const WORK = mkdtempSync(join(tmpdir(), 'upload-harness-pack-'));
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** The Node binaries to run the installed package with, each with the version it reports. */
const RUNTIMES = (process.env.UPLOAD_HARNESS_RUNTIMES || process.execPath)
  .split(delimiter)
  .map((node) => ({ node, version: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() }));
let packed: Packed;
let project: string;

/** Runs a command in the installed project with `node` first on PATH (so npx and the bin's `#!/usr/bin/env
 * node` take it); never throws on a non-zero exit (the output is the evidence). */
async function run(node: string, cmd: string, args: string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: project, timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

beforeAll(() => {
  packed = packStaged(WORK, join(dirname(builtCli()), '..', 'dist'));
  project = installOffline(WORK, packed.tarball);
  cpSync(join(ROOT, 'examples/embed'), join(project, 'embed'), { recursive: true });
  console.log(`upload-harness tarball: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.files.length} files; runtimes: ${RUNTIMES.map((r) => r.version).join(', ')}`);
}, 240_000);

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

it('the tarball holds what a user needs and nothing it must not; its size is the README\'s and the file\'s', async () => {
  const { stdout: text } = await exec('tar', ['-xOzf', packed.tarball], { maxBuffer: 64 * 1024 * 1024 });
  expect(text.length).toBeGreaterThan(packed.unpackedSize / 2); // every file was read
  expect(packageProblems(packed, text)).toEqual([]);
  expect(readFileSync(packed.tarball).length).toBe(packed.size);
});

it('has only the runtime dependencies (no TypeScript runner, no bundler)', () => {
  expect(existsSync(join(project, 'node_modules/upload-harness/dist/src/cli.js'))).toBe(true);
  for (const dev of ['tsx', 'esbuild', 'typescript', '@aws-sdk/client-s3']) expect(existsSync(join(project, 'node_modules', dev)), dev).toBe(false);
});

describe.each(RUNTIMES.map((r) => [r.version, r.node] as const))('installed into an empty project, on Node %s', (version, node) => {
  const reports = (name: string) => `reports/${version}/${name}`;

  it('npx runs it with that Node and upload-harness --help lists every command', async () => {
    const seen = await run(node, NPX, ['--no-install', '-c', 'node --version']);
    expect(seen.stdout.trim(), seen.stderr).toBe(version);
    const r = await run(node, NPX, ['--no-install', 'upload-harness', '--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of COMMAND_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('npx upload-harness conform passes against the embedded mock and writes the reports', async () => {
    const installedFiles = async () => (await exec('find', [join(project, 'node_modules/upload-harness')])).stdout.split('\n').sort();
    const before = await installedFiles();
    const r = await run(node, NPX, ['--no-install', 'upload-harness', 'conform', '--report-dir', reports('conformance')]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(project, reports('conformance'), 'results.json'), 'utf8')) as { summary: { counts: { total: number; fail: number; error: number } } };
    expect(results.summary.counts.total).toBeGreaterThan(50);
    expect(results.summary.counts.fail + results.summary.counts.error).toBe(0);
    // A run writes nothing into the installed package (vitest's results cache once went to its dist/).
    expect(await installedFiles()).toEqual(before);
  });

  it('npx upload-harness conform fails (exit 1) against the installed mock with a fault', async () => {
    const mock = spawn(node, [join(project, 'node_modules/upload-harness/bin/upload-harness.js'), 'mock', '--port', '0', '--fault', 'no-signature-check'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        mock.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /mock listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        mock.on('exit', (code) => reject(new Error(`mock exited with ${code}: ${out}`)));
      });
      const r = await run(node, NPX, ['--no-install', 'upload-harness', 'conform', '--target', baseUrl, '--api-key', 'mock-full-access', '--allow-writes', '--only', 'storage', '--report-dir', reports('faulty')]);
      expect(r.code, r.stderr).toBe(1);
      const results = JSON.parse(readFileSync(join(project, reports('faulty'), 'results.json'), 'utf8')) as { checks: { id: string; status: string }[] };
      expect(results.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(' ')).toMatch(/storage\.signature\.tampered/);
    } finally {
      mock.kill('SIGTERM');
    }
  });

  it('upload-harness build copies the prebuilt k6 bundles (no esbuild needed)', async () => {
    const r = await run(node, NPX, ['--no-install', 'upload-harness', 'build', '--out-dir', reports('k6')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(project, reports('k6'), 'full-flow.js'), 'utf8')).toMatch(/from ["']k6\/http["']/);
  });

  it('runs the embed example (examples/embed, the README snippet quick-start.test.ts included) with the installed vitest', async () => {
    const r = await run(node, NPX, ['--no-install', 'vitest', 'run', '--root', 'embed']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/quick-start\.test\.ts \(2 tests\)/);
    expect(r.stdout).toMatch(/Tests\s+8 passed/);
  });

  it('public entries and schemas load in plain Node; deep imports are refused', async () => {
    const script = `
      const entries = await Promise.all(['upload-harness', 'upload-harness/mock', 'upload-harness/client', 'upload-harness/conformance'].map((s) => import(s)));
      const mock = await entries[1].startMockServer();
      const res = await fetch(mock.baseUrl + '/apiKey.info', { method: 'POST', headers: { authorization: 'Basic ' + btoa('mock-full-access:'), 'content-type': 'application/json' }, body: '{}' });
      await mock.close();
      let deep = 'imported';
      try { await import('upload-harness/dist/src/mock/index.js'); } catch (e) { deep = e.code; }
      const { readFileSync } = await import('node:fs');
      const schema = JSON.parse(readFileSync(new URL(import.meta.resolve('upload-harness/schemas/reports/conformance-results.json')), 'utf8'));
      console.log(JSON.stringify({ status: res.status, deep, exits: entries[0].EXIT, schema: typeof schema.$id, node: process.version }));`;
    const r = await run(node, node, ['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: 200, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED', exits: { ok: 0, checkFailed: 1, usage: 2, thresholds: 99 }, schema: 'string', node: version });
  });
});

it('its type declarations type a consumer (and reject a misuse)', async () => {
  writeFileSync(join(project, 'consumer.ts'), `
    import { startMockServer } from 'upload-harness/mock';
    import { runConformance, type RunResults } from 'upload-harness/conformance';
    import { createFileUploadHandle } from 'upload-harness/client';
    const mock = await startMockServer({ port: 0 });
    const url: string = mock.baseUrl;
    const endpoints: string[] = mock.state.calls.map((c) => c.endpoint);
    const req = createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'a', contentType: 'text/plain', contentLength: 1 });
    const run: (o: Parameters<typeof runConformance>[0]) => Promise<RunResults> = runConformance;
    // @ts-expect-error a port is a number
    await startMockServer({ port: '4010' });
    // @ts-expect-error not a documented context
    createFileUploadHandle({ fileUploadContext: 'Nope', filename: 'a', contentType: 'text/plain', contentLength: 1 });
    void [url, endpoints, req, run];
  `);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] },
    include: ['consumer.ts'],
  }));
  const r = await run(process.execPath, process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
});
