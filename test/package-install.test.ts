// The package as a user gets it: packed (the run's fresh build of dist/, test/support/built-cli.ts, in a
// staged copy), installed into an empty project offline from the npm cache, and used there — `npx
// upload-harness --help`, `conform` against the embedded mock (passing) and against the installed mock
// with a fault (failing), the embed example's vitest suite, the public entries from plain Node and their
// type declarations. The tarball must hold no tests, reports, fixtures, sources or secrets; its size is
// printed.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../src/cli.ts';
import { installOffline, listCheckoutPack, packStaged, ROOT, type Packed, type PackedFile } from '../scripts/pack-install.ts';
import { builtCli } from './support/cli.ts';

const exec = promisify(execFile);
const WORK = mkdtempSync(join(tmpdir(), 'upload-harness-pack-'));
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
let packed: Packed;
let project: string;

/** Runs a command in the installed project; never throws on a non-zero exit (the output is the evidence). */
async function run(cmd: string, args: string[], timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: project, timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** Paths that must never ship: the harness's own tests and fixtures, reports, sources, secrets, the build's input hash. */
function forbidden(files: readonly PackedFile[]): string[] {
  const bad = (p: string) =>
    /^(test|tests|bench|examples|reports|coverage|scripts|\.ci|\.github)\//.test(p) ||
    /(^|\/)(fixtures?|__snapshots__)\//.test(p) ||
    (/\.test\.[cm]?[jt]s$/.test(p) && !/^dist\/conformance\/[a-z-]+\.test\.js$/.test(p)) || // the suites conform runs are product
    /(^|\/)(\.env[^/]*|\.npmrc|id_rsa[^/]*|[^/]+\.(pem|key|p12|pfx)|results\.json|junit\.xml|[^/]+\.cpuprofile|\.build-inputs)$/.test(p) ||
    (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) ||
    p.startsWith('src/') ||
    p === 'package-lock.json';
  return files.map((f) => f.path).filter(bad);
}

beforeAll(() => {
  packed = packStaged(WORK, join(dirname(builtCli()), '..', 'dist'));
  project = installOffline(WORK, packed.tarball);
  console.log(`upload-harness tarball: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.files.length} files`);
}, 240_000);

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the CLI, the compiled entries, their declarations, the suites, schemas and k6 bundles', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    for (const p of ['package.json', 'README.md', 'docs/api.md', 'bin/upload-harness.js', 'dist/src/cli.js', 'dist/src/cli/conform-help.js', 'dist/conformance/storage.test.js', 'dist/conformance/deviations.json', 'dist/schemas/reports/conformance-results.json', 'dist/k6/full-flow.js', 'dist/src/mock/storage/hash-worker.mjs'])
      expect(paths, p).toContain(p);
    for (const entry of ['index', 'mock', 'client', 'conformance']) {
      expect(paths).toContain(`dist/src/public/${entry}.js`);
      expect(paths).toContain(`dist/src/public/${entry}.d.ts`);
    }
  });

  it('holds no tests, reports, fixtures, sources or secrets (nor would a pack of the checkout)', () => {
    expect(forbidden(packed.files)).toEqual([]);
    expect(forbidden(listCheckoutPack())).toEqual([]);
    // the checker itself catches what it is for
    expect(forbidden([{ path: 'test/mock/x.test.ts', size: 1 }, { path: 'reports/conformance/results.json', size: 1 }, { path: 'dist/.env', size: 1 }, { path: 'test/fixtures/fake-k6', size: 1 }, { path: 'src/cli.ts', size: 1 }, { path: 'dist/.build-inputs', size: 1 }])).toHaveLength(6);
    expect(readFileSync(packed.tarball).length).toBe(packed.size);
  });

  it('contains no private keys or real-looking credentials', async () => {
    const { stdout } = await exec('tar', ['-xOzf', packed.tarball], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(stdout).not.toMatch(/\bAKIA(?!MOCKHARNESS)[0-9A-Z]{16}\b/); // only the mock's documented test access key
    expect(stdout).not.toMatch(/\bnpm_[A-Za-z0-9]{36}\b/);
  });

  it('stays small (size printed above), and the README states its size within 10 %', () => {
    expect(packed.size).toBeLessThan(1024 * 1024);
    const stated = /tarball is about\s+(\d+) kB, ([\d.]+) MB unpacked/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(stated, 'README: "The packed tarball is about N kB, M MB unpacked"').not.toBeNull();
    expect(Math.abs(Number(stated![1]) * 1000 - packed.size) / packed.size).toBeLessThanOrEqual(0.1);
    expect(Math.abs(Number(stated![2]) * 1e6 - packed.unpackedSize) / packed.unpackedSize).toBeLessThanOrEqual(0.1);
  });
});

describe('installed into an empty project', () => {
  it('has only the runtime dependencies (no TypeScript runner, no bundler)', () => {
    expect(existsSync(join(project, 'node_modules/upload-harness/dist/src/cli.js'))).toBe(true);
    for (const dev of ['tsx', 'esbuild', 'typescript', '@aws-sdk/client-s3']) expect(existsSync(join(project, 'node_modules', dev)), dev).toBe(false);
  });

  it('npx upload-harness --help lists every command', async () => {
    const r = await run(NPX, ['--no-install', 'upload-harness', '--help']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of COMMAND_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('npx upload-harness conform passes against the embedded mock and writes the reports', async () => {
    const installedFiles = async () => (await exec('find', [join(project, 'node_modules/upload-harness')])).stdout.split('\n').sort();
    const before = await installedFiles();
    const r = await run(NPX, ['--no-install', 'upload-harness', 'conform', '--report-dir', 'reports/conformance']);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(project, 'reports/conformance/results.json'), 'utf8')) as { summary: { counts: { total: number; fail: number; error: number } } };
    expect(results.summary.counts.total).toBeGreaterThan(50);
    expect(results.summary.counts.fail + results.summary.counts.error).toBe(0);
    // A run writes nothing into the installed package (vitest's results cache once went to its dist/).
    expect(await installedFiles()).toEqual(before);
  });

  it('npx upload-harness conform fails (exit 1) against the installed mock with a fault', async () => {
    const mock = spawn(process.execPath, [join(project, 'node_modules/upload-harness/bin/upload-harness.js'), 'mock', '--port', '0', '--fault', 'no-signature-check'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const r = await run(NPX, ['--no-install', 'upload-harness', 'conform', '--target', baseUrl, '--api-key', 'mock-full-access', '--allow-writes', '--only', 'storage', '--report-dir', 'reports/faulty']);
      expect(r.code, r.stderr).toBe(1);
      const results = JSON.parse(readFileSync(join(project, 'reports/faulty/results.json'), 'utf8')) as { checks: { id: string; status: string }[] };
      expect(results.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(' ')).toMatch(/storage\.signature\.tampered/);
    } finally {
      mock.kill('SIGTERM');
    }
  });

  it('upload-harness build copies the prebuilt k6 bundles (no esbuild needed)', async () => {
    const r = await run(NPX, ['--no-install', 'upload-harness', 'build', '--out-dir', 'k6']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(project, 'k6/full-flow.js'), 'utf8')).toMatch(/from ["']k6\/http["']/);
  });

  it('runs the embed example (examples/embed, the README snippet quick-start.test.ts included) with the installed vitest', async () => {
    cpSync(join(ROOT, 'examples/embed'), join(project, 'embed'), { recursive: true });
    const r = await run(NPX, ['--no-install', 'vitest', 'run', '--root', 'embed']);
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
      console.log(JSON.stringify({ status: res.status, deep, exits: entries[0].EXIT, schema: typeof schema.$id }));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: 200, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED', exits: { ok: 0, checkFailed: 1, usage: 2, thresholds: 99 }, schema: 'string' });
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
    const r = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
