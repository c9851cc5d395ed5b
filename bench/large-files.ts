// Large files: the `upload` scenario with 100 MiB files at 20 concurrent VUs against the mock. The node
// engine shares one payload per size and streams it, so its RSS growth must stay under 1.5 × one file
// (never a copy per VU or per request). Beside it, what the compiled k6 bundle would hold per in-flight
// request: one contiguous copy of the body in JS (measured), which k6 then copies into its Go runtime.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { r2, row, type BenchOptions, type Row } from './benches.ts';
import { startChild } from './servers.ts';

const execFileP = promisify(execFile);
const CHILD = fileURLToPath(new URL('./large-files-child.ts', import.meta.url));
const MiB = 1024 * 1024;

export async function benchLargeFiles(o: BenchOptions): Promise<Row[]> {
  const size = (o.quick ? 16 : 100) * MiB;
  const vus = 20;
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-large-'));
  const mock = await startChild('mock', { BENCH_STORAGE_DIR: dir });
  try {
    const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', '--expose-gc', CHILD, JSON.stringify({ baseUrl: mock.baseUrl, size, vus })], { timeout: 600_000, maxBuffer: MiB });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { before: number; peak: number; iterations: number; failed: number; durationMs: number; k6CopyBytes: number };
    if (r.failed || r.iterations < vus) throw new Error(`upload run incomplete: ${r.iterations} iterations, ${r.failed} failed`);
    const growth = r.peak - r.before;
    o.log(`  large files: ${vus} × ${size / MiB} MiB in ${r.durationMs} ms; engine RSS +${(growth / MiB).toFixed(0)} MiB (${(growth / size).toFixed(2)} × one file); k6 path copies ${(r.k6CopyBytes / MiB).toFixed(0)} MiB per in-flight request`);
    return [
      row({
        id: 'engine.large-files.rss',
        name: `node engine RSS growth, upload of ${vus} × ${size / MiB} MiB at once ÷ one file`,
        value: r2(growth / size),
        unit: 'x',
        target: { op: '<', value: 1.5 },
        detail: { vus, fileBytes: size, rssBeforeMiB: r2(r.before / MiB), rssPeakMiB: r2(r.peak / MiB), durationMs: r.durationMs, iterations: r.iterations, k6JsCopyPerRequestMiB: r2(r.k6CopyBytes / MiB), k6EstimatePerVuMiB: r2((2 * r.k6CopyBytes) / MiB) },
      }),
    ];
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
