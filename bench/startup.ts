// CLI start-up: `upload-harness --help` and `upload-harness mock` until it serves, each as a ratio to
// `node -e 0` on the same machine in the same run (a person waits on these dozens of times a day).
// The CLI is started as users get it: the package packed, installed into an empty project (compiled
// JavaScript, scripts/pack-install.ts), and its `bin` run with node.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOffline, packStaged } from '../scripts/pack-install.ts';
import { r2, row, type BenchOptions, type Row } from './benches.ts';

/** Wall time of one process: until it exits, or until its stdout matches `ready` (then it is stopped). */
function timeProcess(args: string[], ready?: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (code !== 0) return reject(new Error(`exit ${code}: ${out.slice(-300)}`));
      resolve(performance.now() - t0);
    });
  });
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchStartup(o: BenchOptions): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-cli-'));
  try {
    const bin = join(installOffline(dir, packStaged(dir).tarball), 'node_modules/upload-harness/bin/upload-harness.js');
    const n = o.quick ? 5 : 15;
    await timeProcess([bin, '--help']); // warm the file-system cache
    // Interleaved per round, so a shared machine's noise hits all three alike.
    const times = { node: [] as number[], help: [] as number[], mock: [] as number[] };
    for (let i = 0; i < n; i++) {
      times.node.push(await timeProcess(['-e', '0']));
      times.help.push(await timeProcess([bin, '--help']));
      times.mock.push(await timeProcess([bin, 'mock', '--port', '0'], /mock listening on http/));
    }
    const [node, help, mock] = [median(times.node), median(times.help), median(times.mock)];
    o.log(`  start-up (installed): node -e 0 ${node.toFixed(0)} ms, --help ${help.toFixed(0)} ms, mock ready ${mock.toFixed(0)} ms (median of ${n})`);
    const detail = { runs: n, nodeMs: Math.round(node), helpMs: Math.round(help), mockReadyMs: Math.round(mock), node: process.version };
    return [
      row({ id: 'startup.help', name: 'installed `upload-harness --help` wall time ÷ `node -e 0`', value: r2(help / node), unit: 'x', target: { op: '<=', value: 3 }, detail }),
      row({ id: 'startup.mock', name: 'installed `upload-harness mock` ready-to-serve time ÷ `node -e 0`', value: r2(mock / node), unit: 'x', target: { op: '<=', value: 3 }, detail }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
