// Child of bench/large-files.ts: runs the node engine's `upload` scenario (VUS virtual users, one file of
// SIZE bytes each) against BASE_URL and reports this process's RSS before and at its peak (sampled every
// 20 ms), and what the k6 path would allocate per in-flight request (its body is one contiguous copy).
import { concatBody } from '../scenarios/flows/transport.ts';
import { makePayload } from '../scenarios/flows/payloads.ts';
import { parseContextMix, parseFileSizeMix } from '../scenarios/flows/index.ts';
import { runNodeEngine } from '../src/load/node-engine.ts';
import { constantSchedule } from '../src/load/schedule.ts';

const { baseUrl, size, vus } = JSON.parse(process.argv[2]!) as { baseUrl: string; size: number; vus: number };
global.gc?.();
const before = process.memoryUsage.rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
const run = await runNodeEngine({
  flow: { scenario: 'upload', baseUrl, apiKey: 'mock-full-access', fileSizes: parseFileSizeMix(`${size}B`), contexts: parseContextMix('resume') },
  schedule: constantSchedule(vus, 1000), // VUS arrivals within one second: all VUS uploads in flight together
  maxVUs: vus,
  progress: null,
  gracefulStopMs: 300_000,
});
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
const f = run.measurements.freeze(run.durationMs);
// The k6 bundle hands k6 one Uint8Array per request (flows' concatBody): measure that copy here.
const payload = makePayload(size);
const ab0 = process.memoryUsage().arrayBuffers;
const k6Body = concatBody({ parts: [new Uint8Array(200), payload.bytes, new Uint8Array(50)], length: size + 250 });
const k6CopyBytes = process.memoryUsage().arrayBuffers - ab0;
process.stdout.write(`${JSON.stringify({ before, peak, iterations: f.totals.iterations, failed: f.totals.iterationsFailed, durationMs: run.durationMs, k6CopyBytes, k6BodyBytes: k6Body.length })}\n`);
