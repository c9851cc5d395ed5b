import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { curlUpload, writeTestFile } from './benches.ts';
import { startChild } from './servers.ts';
const MiB = 1024 * 1024;
const size = 256 * MiB;
const dir = await mkdtemp('/tmp/perf-work/sink-');
const sink = await startChild('sink');
const file = join(dir, 'u.bin');
await writeTestFile(file, size);
for (let i = 0; i < 3; i++) { const ms = await curlUpload(`${sink.baseUrl}/b`, [['key', 'x']], file); console.log(`sink curl ${(size / MiB / (ms / 1000)).toFixed(0)} MiB/s`); }
await sink.stop(); await rm(dir, { recursive: true, force: true });
