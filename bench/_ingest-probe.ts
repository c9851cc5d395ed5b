import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
// temporary probe (not committed): curl 256 MiB into the mock N times, and MD5 in-process
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { curlUpload, presign, writeTestFile } from './benches.ts';
import { startChild } from './servers.ts';
const MiB = 1024 * 1024;
const size = Number(process.env.SIZE ?? 256) * MiB;
const dir = await mkdtemp('/tmp/perf-work/ing-');
const mock = await startChild('mock', { BENCH_STORAGE_DIR: join(dir, 's') });
const file = join(dir, 'u.bin');
await writeTestFile(file, size);
const md5 = () => { const b = Buffer.alloc(4 * MiB, 0x5a); const h = createHash('md5'); const t = performance.now(); for (let l = size; l > 0; l -= b.length) h.update(b); h.digest(); return size / MiB / ((performance.now() - t) / 1000); };
for (let i = 0; i < Number(process.env.RUNS ?? 3); i++) {
  const { url, fields } = await presign(mock, size);
  const cpu = () => { const f = require('node:fs').readFileSync(`/proc/${mock.pid}/stat`, 'utf8').split(') ')[1].split(' '); return [Number(f[11]) * 10, Number(f[12]) * 10]; };
  const c0 = cpu();
  const ms = await curlUpload(url, fields, file);
  const c1 = cpu(); console.log(`mock user ${c1[0] - c0[0]} sys ${c1[1] - c0[1]} ms for ${ms.toFixed(0)} ms wall`);
  const m = md5();
  console.log(`curl ${(size / MiB / (ms / 1000)).toFixed(0)} MiB/s  md5 ${m.toFixed(0)} MiB/s  ratio ${((size / MiB / (ms / 1000)) / m).toFixed(2)}`);
}
await mock.stop();
await rm(dir, { recursive: true, force: true });
