// CLI start-up: `upload-harness --help`, `upload-harness conform --help` and `upload-harness mock` until
// it serves, each as a ratio to `node -e 0` measured on the same machine in the same run (a person waits
// on these dozens of times a day). The CLI is started as users get it: the package packed and installed
// into an empty project (compiled JavaScript, scripts/pack-install.ts), run as the project's
// `node_modules/.bin/upload-harness` — the file `npx upload-harness` resolves to and runs. `npx` itself
// adds npm's own start-up, which this package cannot change: it is reported (the npx row and
// `npx --version` in its detail) but has no target (docs/decisions/0175-startup-measured-installed.md).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOffline, packStaged } from '../scripts/pack-install.ts';
import { median, r2, row, type BenchOptions, type Row } from './benches.ts';

interface Started {
  command: string;
  args: string[];
  cwd?: string;
}

const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Wall time of one process: until it exits, or until its stdout matches `ready` (then it is stopped). */
function timeProcess(p: Started, ready?: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(p.command, p.args, { cwd: p.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let readyAt: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready && readyAt === undefined && ready.test(out)) {
        readyAt = performance.now() - t0;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (ready) return readyAt === undefined ? reject(new Error(`never ready: ${out.slice(-300)}`)) : resolve(readyAt);
      if (code !== 0) return reject(new Error(`${p.command} ${p.args.join(' ')}: exit ${code}: ${out.slice(-300)}`));
      resolve(performance.now() - t0);
    });
  });
}

export async function benchStartup(o: BenchOptions): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-cli-'));
  try {
    const project = installOffline(dir, packStaged(dir).tarball);
    const bin = join(project, 'node_modules/.bin/upload-harness');
    const runs: Record<string, Started> = {
      node: { command: process.execPath, args: ['-e', '0'] },
      help: { command: bin, args: ['--help'] },
      conformHelp: { command: bin, args: ['conform', '--help'] },
      npxVersion: { command: NPX, args: ['--version'], cwd: project },
      npxHelp: { command: NPX, args: ['--no', 'upload-harness', '--help'], cwd: project },
    };
    const mock: Started = { command: bin, args: ['mock', '--port', '0'] };
    const n = o.quick ? 5 : 15;
    await timeProcess(runs.conformHelp!); // warm the file-system cache
    // Interleaved per round, so a shared machine's noise hits every process alike.
    const times: Record<string, number[]> = { mock: [] };
    for (let i = 0; i < n; i++) {
      for (const [name, p] of Object.entries(runs)) (times[name] ??= []).push(await timeProcess(p));
      times.mock!.push(await timeProcess(mock, /mock listening on http/));
    }
    const ms = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, Math.round(median(t))])) as Record<'node' | 'help' | 'conformHelp' | 'npxVersion' | 'npxHelp' | 'mock', number>;
    const ratio = (t: number) => r2(t / ms.node);
    o.log(`  start-up (installed, median of ${n}): node -e 0 ${ms.node} ms; .bin/upload-harness --help ${ms.help} ms (${ratio(ms.help)}x), conform --help ${ms.conformHelp} ms (${ratio(ms.conformHelp)}x), mock ready ${ms.mock} ms (${ratio(ms.mock)}x); npx upload-harness --help ${ms.npxHelp} ms (${ratio(ms.npxHelp)}x), npx --version ${ms.npxVersion} ms (${ratio(ms.npxVersion)}x)`);
    const detail = { runs: n, nodeMs: ms.node, helpMs: ms.help, conformHelpMs: ms.conformHelp, mockReadyMs: ms.mock, npxHelpMs: ms.npxHelp, npxVersionMs: ms.npxVersion, node: process.version };
    const at3 = { op: '<=', value: 3 } as const;
    return [
      row({ id: 'startup.help', name: 'installed `upload-harness --help` (node_modules/.bin) wall time ÷ `node -e 0`', value: ratio(ms.help), unit: 'x', target: at3, detail }),
      row({ id: 'startup.conform-help', name: 'installed `upload-harness conform --help` (node_modules/.bin) wall time ÷ `node -e 0`', value: ratio(ms.conformHelp), unit: 'x', target: at3, detail }),
      row({ id: 'startup.mock', name: 'installed `upload-harness mock` ready-to-serve time ÷ `node -e 0`', value: ratio(ms.mock), unit: 'x', target: at3, detail }),
      row({ id: 'startup.npx-help', name: '`npx upload-harness --help` wall time ÷ `node -e 0` (npm\'s own start-up included; `npx --version` in detail)', value: ratio(ms.npxHelp), unit: 'x', detail }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
