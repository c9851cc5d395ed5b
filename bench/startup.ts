// CLI start-up: `upload-harness --help` and `upload-harness mock` until it serves, each as a ratio to
// `node -e 0` on the same machine in the same run (a person waits on these dozens of times a day).
// The CLI is started as users start it: `node bin/upload-harness.js`, the package's `bin`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { r2, row, type BenchOptions, type Row } from './benches.ts';

const BIN = fileURLToPath(new URL('../bin/upload-harness.js', import.meta.url));

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

async function median(n: number, run: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await run());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchStartup(o: BenchOptions): Promise<Row[]> {
  const n = o.quick ? 3 : 9;
  await timeProcess([BIN, '--help']); // warm the file-system cache
  const node = await median(n, () => timeProcess(['-e', '0']));
  const help = await median(n, () => timeProcess([BIN, '--help']));
  const mock = await median(n, () => timeProcess([BIN, 'mock', '--port', '0'], /mock listening on http/));
  o.log(`  start-up: node -e 0 ${node.toFixed(0)} ms, --help ${help.toFixed(0)} ms, mock ready ${mock.toFixed(0)} ms (median of ${n})`);
  const detail = { runs: n, nodeMs: Math.round(node), helpMs: Math.round(help), mockReadyMs: Math.round(mock), node: process.version };
  return [
    row({ id: 'startup.help', name: '`upload-harness --help` wall time ÷ `node -e 0`', value: r2(help / node), unit: 'x', target: { op: '<', value: 3.01 }, detail }),
    row({ id: 'startup.mock', name: '`upload-harness mock` ready-to-serve time ÷ `node -e 0`', value: r2(mock / node), unit: 'x', target: { op: '<', value: 3.01 }, detail }),
  ];
}
