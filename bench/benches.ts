// The six benchmarks. Every headline figure is a ratio against a baseline measured in the same run
// (a bare node:http server, a discard sink, autocannon's closed-loop maximum), so the numbers compare
// across machines; absolute values are reported alongside for context only.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import autocannon, { type AutocannonResult } from 'autocannon';
import { basicAuthHeader } from '../src/protocol/index.ts';
import { StorageClient } from '../src/client/index.ts';
import { runNodeEngine } from '../src/load/node-engine.ts';
import { constantSchedule } from '../src/load/schedule.ts';
import { parseContextMix, parseFileSizeMix, type FlowConfig } from '../scenarios/flows/index.ts';
import { startChild, type ChildServer } from './servers.ts';

export const API_KEY = 'mock-full-access';
export const HANDLE_PATH = '/file.createFileUploadHandle';
export const HANDLE_BODY = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'resume.pdf', contentType: 'application/pdf', contentLength: 102400 });
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuthHeader(API_KEY) };
const MiB = 1024 * 1024;

export interface BenchOptions {
  quick: boolean;
  log: (line: string) => void;
}

export interface Row {
  id: string;
  name: string;
  /** The headline figure: a ratio (or a wall time / rate for report-only rows). */
  value: number;
  unit: 'x' | 'ms' | 'MiB' | 's' | 'it/s';
  target?: { op: '>=' | '<=' | '<'; value: number };
  pass?: boolean;
  detail: Record<string, unknown>;
}

export function row(r: Omit<Row, 'pass'>): Row {
  const t = r.target;
  const pass = t ? (t.op === '>=' ? r.value >= t.value : t.op === '<=' ? r.value <= t.value : r.value < t.value) : undefined;
  return { ...r, pass };
}

const r2 = (n: number) => Math.round(n * 100) / 100;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

async function cannon(url: string, connections: number, durationS: number, extra: { overallRate?: number; body?: string; headers?: Record<string, string> } = {}): Promise<AutocannonResult> {
  return autocannon({ url, method: 'POST', headers: extra.headers ?? JSON_HEADERS, body: extra.body ?? HANDLE_BODY, connections, duration: durationS, timeout: 10, ...(extra.overallRate ? { overallRate: extra.overallRate } : {}) });
}

const okCount = (r: AutocannonResult) => r['2xx'];

/** A real handle response from the mock, so the bare server answers a body of the same size and shape. */
async function sampleHandleResponse(mock: ChildServer): Promise<string> {
  const res = await fetch(`${mock.baseUrl}${HANDLE_PATH}`, { method: 'POST', headers: JSON_HEADERS, body: HANDLE_BODY });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('"success":true')) throw new Error(`mock handle request failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text;
}

/** 1. file.createFileUploadHandle on the mock vs a bare node:http server answering the same bytes. */
export async function benchHandle(o: BenchOptions): Promise<Row[]> {
  const connections = 32;
  const duration = o.quick ? 2 : 5;
  const mock = await startChild('mock');
  let bare: ChildServer | undefined;
  try {
    const body = await sampleHandleResponse(mock);
    bare = await startChild('bare', { BENCH_BARE_BODY: body });
    const results: Record<string, AutocannonResult> = {};
    for (const s of [mock, bare]) await cannon(`${s.baseUrl}${HANDLE_PATH}`, connections, 1); // warm-up (JIT, connections)
    // Interleaved rounds, best round per side: a shared machine's noise hits both sides alike.
    const rounds = o.quick ? 1 : 2;
    for (let i = 0; i < rounds; i++) {
      for (const s of [mock, bare]) {
        const r = await cannon(`${s.baseUrl}${HANDLE_PATH}`, connections, duration);
        o.log(`  handle ${s.kind}: ${r.requests.average} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  2xx ${okCount(r)} non2xx ${r.non2xx} errors ${r.errors}`);
        if (!results[s.kind] || r.requests.average > results[s.kind]!.requests.average) results[s.kind] = r;
        if (s.kind === 'mock' && (r.non2xx || r.errors)) throw new Error(`mock answered ${r.non2xx} non-2xx / ${r.errors} errors`);
      }
    }
    const m = results.mock!;
    const b = results.bare!;
    return [
      row({
        id: 'handle.rps',
        name: 'handle creation req/s, mock ÷ bare node:http',
        value: r2(m.requests.average / b.requests.average),
        unit: 'x',
        target: { op: '>=', value: 0.75 },
        detail: { connections, durationS: duration, rounds, responseBytes: body.length, mockRps: m.requests.average, bareRps: b.requests.average, mockP50Ms: m.latency.p50, mockP99Ms: m.latency.p99, bareP50Ms: b.latency.p50, bareP99Ms: b.latency.p99 },
      }),
    ];
  } finally {
    await bare?.stop();
    await mock.stop();
  }
}

async function writeFile(path: string, bytes: number): Promise<void> {
  const block = Buffer.alloc(4 * MiB);
  let x = 0x12345678;
  for (let i = 0; i < block.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block.writeUInt32LE(x >>> 0, i);
  }
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!out.write(left >= block.length ? block : block.subarray(0, left))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function presign(mock: ChildServer, size: number): Promise<{ url: string; fields: [string, string][] }> {
  const body = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'big.pdf', contentType: 'application/pdf', contentLength: size });
  const res = await fetch(`${mock.baseUrl}${HANDLE_PATH}`, { method: 'POST', headers: JSON_HEADERS, body });
  const env = (await res.json()) as { success: boolean; results: { url: string; fields: Record<string, string> } };
  if (!env.success) throw new Error(`presign failed: ${JSON.stringify(env)}`);
  return { url: env.results.url, fields: Object.entries(env.results.fields) };
}

async function timedUpload(client: StorageClient, url: string, fields: [string, string][], path: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await client.upload({ url, fields, filename: 'big.pdf', contentType: 'application/pdf', file: { path } });
  const ms = performance.now() - t0;
  if (res.status < 200 || res.status >= 300) throw new Error(`upload answered HTTP ${res.status}: ${res.text.slice(0, 300)}`);
  return { ms, status: res.status };
}

/** 2. Presigned POST ingest on the mock vs a discard sink; and the mock's RSS during a big upload. */
export async function benchIngest(o: BenchOptions): Promise<Row[]> {
  const size = (o.quick ? 32 : 256) * MiB;
  const bigSize = (o.quick ? 128 : 1024) * MiB;
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-'));
  const storageDir = join(dir, 'storage');
  const client = new StorageClient({ http: { timeoutMs: 300_000, maxRetries: 0 } });
  const mock = await startChild('mock', { BENCH_STORAGE_DIR: storageDir });
  const sink = await startChild('sink');
  try {
    const file = join(dir, 'upload.bin');
    await writeFile(file, size);
    const runs = o.quick ? 1 : 2;
    const best: Record<string, number> = {};
    // Warm-up with a small body on both, then the best of `runs` (page cache warm after the first read).
    for (const s of [sink, mock]) {
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const { url, fields } = s.kind === 'mock' ? await presign(mock, size) : { url: `${sink.baseUrl}/ashby-mock-uploads`, fields: [['key', 'x']] as [string, string][] };
        const t = await timedUpload(client, url, fields, file);
        if (i > 0) times.push(t.ms);
      }
      best[s.kind] = Math.min(...times);
      o.log(`  ingest ${s.kind}: ${(size / MiB / (best[s.kind]! / 1000)).toFixed(0)} MiB/s (best of ${runs}, ${times.map((t) => t.toFixed(0)).join('/')} ms)`);
    }
    await rm(file);
    const mbps = (ms: number) => r2(size / MiB / (ms / 1000));

    // RSS of the mock process during a big upload: the peak above the level before it.
    const bigFile = join(dir, 'big.bin');
    await writeFile(bigFile, bigSize);
    const { url, fields } = await presign(mock, bigSize);
    const before = await mock.resetPeak();
    const big = await timedUpload(client, url, fields, bigFile);
    const after = await mock.mem();
    const growthMiB = r2((after.peak - before) / MiB);
    o.log(`  ingest RSS: before ${(before / MiB).toFixed(1)} MiB, peak ${(after.peak / MiB).toFixed(1)} MiB (+${growthMiB}) during ${bigSize / MiB} MiB in ${big.ms.toFixed(0)} ms; VmHWM ${after.hwm ? (after.hwm / MiB).toFixed(1) : '?'} MiB`);
    return [
      row({
        id: 'ingest.mbps',
        name: `storage ingest MB/s (${size / MiB} MiB presigned POST), mock ÷ sink`,
        value: r2(best.sink! / best.mock!),
        unit: 'x',
        target: { op: '>=', value: 0.6 },
        detail: { bytes: size, mockMiBps: mbps(best.mock!), sinkMiBps: mbps(best.sink!), mockMs: Math.round(best.mock!), sinkMs: Math.round(best.sink!) },
      }),
      row({
        id: 'ingest.rss',
        name: `mock peak RSS growth during a ${bigSize / MiB} MiB upload`,
        value: growthMiB,
        unit: 'MiB',
        target: { op: '<', value: 64 },
        detail: { bytes: bigSize, rssBeforeMiB: r2(before / MiB), rssPeakMiB: r2(after.peak / MiB), vmHwmMiB: after.hwm ? r2(after.hwm / MiB) : undefined, uploadMiBps: r2(bigSize / MiB / (big.ms / 1000)), sampledEveryMs: 20 },
      }),
    ];
  } finally {
    await sink.stop();
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function handleFlow(baseUrl: string): FlowConfig {
  return { scenario: 'handle-create', baseUrl, apiKey: API_KEY, fileSizes: parseFileSizeMix('100KiB'), contexts: parseContextMix('resume') };
}

async function engineAt(baseUrl: string, rate: number, durationMs: number, maxVUs: number) {
  const run = await runNodeEngine({ flow: handleFlow(baseUrl), schedule: constantSchedule(rate, durationMs), maxVUs, progress: null, gracefulStopMs: 2000 });
  const f = run.recorder.freeze(run.durationMs);
  const scheduled = f.totals.iterations + f.totals.droppedIterations;
  const droppedPct = scheduled ? (100 * f.totals.droppedIterations) / scheduled : 0;
  const achievedPct = (100 * f.totals.achievedRate) / rate;
  const ok = droppedPct < 1 && Math.abs(achievedPct - 100) <= 2 && f.totals.iterationsFailed === 0;
  return { rate, ok, achieved: f.totals.achievedRate, droppedPct: r2(droppedPct), failed: f.totals.iterationsFailed, p50: f.http.latencyMs.med, p99: f.http.latencyMs.p99 };
}

/** 3. The node engine against the bare server: sustainable open-model rate ÷ autocannon's closed-loop max. */
export async function benchEngine(o: BenchOptions): Promise<Row[]> {
  const connections = 32;
  const maxVUs = 256;
  const stepMs = o.quick ? 1000 : 3000;
  const steps = o.quick ? 3 : 6;
  const mock = await startChild('mock');
  let bare: ChildServer | undefined;
  try {
    const body = await sampleHandleResponse(mock);
    await mock.stop();
    bare = await startChild('bare', { BENCH_BARE_BODY: body });
    const url = `${bare.baseUrl}${HANDLE_PATH}`;
    await cannon(url, connections, 1);
    const max = await cannon(url, connections, o.quick ? 2 : 5);
    const maxRps = max.requests.average;
    o.log(`  engine: autocannon closed-loop max ${maxRps} req/s (${connections} connections)`);
    await engineAt(bare.baseUrl, Math.round(maxRps * 0.3), 1000, maxVUs); // warm-up
    const tried: Awaited<ReturnType<typeof engineAt>>[] = [];
    let lo = 0;
    let hi = maxRps * 1.05;
    let rate = Math.round(maxRps * 0.7); // the target first, then bisect
    for (let i = 0; i < steps; i++) {
      const t = await engineAt(bare.baseUrl, rate, stepMs, maxVUs);
      tried.push(t);
      o.log(`  engine @ ${rate}/s: achieved ${t.achieved}/s dropped ${t.droppedPct}% failed ${t.failed} p50 ${t.p50} ms → ${t.ok ? 'sustained' : 'not sustained'}`);
      if (t.ok) lo = rate;
      else hi = rate;
      rate = Math.round((lo + hi) / 2);
    }
    const sustained = lo;
    // Latency overhead at one rate both can hold: half the sustained rate (or 30 % of max).
    const same = Math.max(50, Math.round((sustained || maxRps * 0.6) / 2));
    const latS = o.quick ? 1 : 3;
    const ac = await cannon(url, connections, latS, { overallRate: same });
    const en = await engineAt(bare.baseUrl, same, latS * 1000, maxVUs);
    o.log(`  engine latency @ ${same}/s: engine p50 ${en.p50} ms, autocannon p50 ${ac.latency.p50} ms`);
    return [
      row({
        id: 'engine.rate',
        name: 'node engine sustained arrival rate ÷ autocannon closed-loop max (bare server)',
        value: r2(sustained / maxRps),
        unit: 'x',
        target: { op: '>=', value: 0.7 },
        detail: { autocannonMaxRps: maxRps, autocannonConnections: connections, sustainedRate: sustained, maxVUs, stepMs, criteria: 'dropped < 1 %, achieved within 2 % of target, no failed iterations', tried },
      }),
      row({
        id: 'engine.latency',
        name: 'node engine p50 − autocannon p50 at the same rate',
        value: r3(en.p50 - ac.latency.p50),
        unit: 'ms',
        target: { op: '<', value: 1 },
        detail: { rate: same, engineP50Ms: en.p50, engineP99Ms: en.p99, autocannonP50Ms: ac.latency.p50, autocannonP99Ms: ac.latency.p99, engineDroppedPct: en.droppedPct },
      }),
    ];
  } finally {
    await bare?.stop();
    await mock.stop();
  }
}

/** 4. full-flow at saturation on the mock: iterations/s and where the time goes (baseline only). */
export async function benchFullFlow(o: BenchOptions): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-'));
  const mock = await startChild('mock', { BENCH_STORAGE_DIR: dir });
  try {
    const flow: FlowConfig = { scenario: 'full-flow', baseUrl: mock.baseUrl, apiKey: API_KEY, fileSizes: parseFileSizeMix('256KiB'), contexts: parseContextMix('resume') };
    const maxVUs = 32;
    const durationMs = o.quick ? 2000 : 6000;
    // An arrival rate far above what the mock can serve: the engine runs maxVUs iterations back to back.
    const run = await runNodeEngine({ flow, schedule: constantSchedule(20_000, durationMs), maxVUs, progress: null, gracefulStopMs: 5000 });
    const f = run.recorder.freeze(run.durationMs);
    const stages = Object.fromEntries(
      (['handle_create', 'upload', 'attach', 'setup'] as const)
        .filter((s) => f.stages[s])
        .map((s) => {
          const st = f.stages[s]!;
          return [s, { count: st.count, errors: st.errors, avgMs: st.latencyMs.avg, p50Ms: st.latencyMs.med, p99Ms: st.latencyMs.p99 }];
        }),
    );
    const per = (s: 'handle_create' | 'upload' | 'attach') => (f.stages[s] ? f.stages[s]!.latencyMs.avg : 0);
    const total = per('handle_create') + per('upload') + per('attach');
    const share = Object.fromEntries((['handle_create', 'upload', 'attach'] as const).map((s) => [s, total ? r3(per(s) / total) : 0]));
    o.log(`  full-flow: ${f.totals.achievedRate} it/s, failed ${f.totals.iterationsFailed}; avg ms handle ${per('handle_create')} upload ${per('upload')} attach ${per('attach')}`);
    return [
      row({
        id: 'fullflow.rate',
        name: 'full-flow iterations/s at saturation (256 KiB, mock, 32 VUs)',
        value: f.totals.achievedRate,
        unit: 'it/s',
        detail: { maxVUs, durationMs, iterations: f.totals.iterations, failed: f.totals.iterationsFailed, iterationP50Ms: f.iteration.latencyMs.med, iterationP99Ms: f.iteration.latencyMs.p99, shareOfIterationTime: share, stages },
      }),
    ];
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** 5. Conformance suite wall time against the mock, and the fault matrix's. */
export async function benchConformance(o: BenchOptions): Promise<Row[]> {
  const { startMockTarget } = await import('../src/conformance/mock-target.ts');
  const { ConformanceSession } = await import('../src/conformance/runner.ts');
  const { loadDeviations } = await import('../src/conformance/deviations.ts');
  const { getCheck } = await import('../src/conformance/catalogue.ts');
  const { killedBy, loadFaultMatrix } = await import('../src/conformance/fault-matrix.ts');
  const mock = await startMockTarget({ timeoutMs: 10_000 });
  try {
    const t0 = performance.now();
    const session = await ConformanceSession.open({ target: mock.target, strict: false, only: [], deviations: loadDeviations('mock') });
    const openMs = performance.now() - t0;
    const rows: Row[] = [];
    try {
      const t1 = performance.now();
      const r = await session.run();
      const suiteMs = performance.now() - t1;
      const s = r.summary as unknown as Record<string, number>;
      o.log(`  conformance: open ${openMs.toFixed(0)} ms + suite ${suiteMs.toFixed(0)} ms, exit ${r.exitCode}, summary ${JSON.stringify(s)}`);
      rows.push(
        row({
          id: 'conformance.suite',
          name: 'conformance suite wall time vs the mock (vitest start + whole suite)',
          value: r2((openMs + suiteMs) / 1000),
          unit: 's',
          target: { op: '<', value: 15 },
          detail: { sessionOpenMs: Math.round(openMs), suiteRunMs: Math.round(suiteMs), exitCode: r.exitCode, checks: r.checks.length, summary: s },
        }),
      );
      if (!o.quick) {
        const t2 = performance.now();
        const faults = loadFaultMatrix().filter((row) => !row.transport);
        let caught = 0;
        for (const f of faults) {
          await mock.reset();
          mock.setFaults([f.fault]);
          const fr = await session.run([...new Set(f.mustFail.map((id) => getCheck(id).group))]);
          const killers = killedBy(fr);
          if (f.mustFail.every((id) => killers.includes(id))) caught++;
        }
        mock.setFaults([]);
        const matrixMs = performance.now() - t2;
        o.log(`  fault matrix: ${faults.length} faults in ${matrixMs.toFixed(0)} ms, caught ${caught}`);
        rows.push(row({ id: 'conformance.matrix', name: `fault matrix wall time (${faults.length} faults, named groups only)`, value: r2(matrixMs / 1000), unit: 's', detail: { faults: faults.length, caught } }));
      }
    } finally {
      await session.close();
    }
    return rows;
  } finally {
    await mock.close();
  }
}

/** 6. esbuild of every k6 scenario bundle. */
export async function benchBuild(o: BenchOptions): Promise<Row[]> {
  const { buildK6Bundles } = await import('../src/load/build.ts');
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-k6-'));
  try {
    const t0 = performance.now();
    const out = await buildK6Bundles({ outDir: dir });
    const ms = performance.now() - t0;
    o.log(`  k6 build: ${Object.keys(out).length} bundles in ${ms.toFixed(0)} ms`);
    return [row({ id: 'k6.build', name: `k6 bundle build (${Object.keys(out).join(', ')})`, value: Math.round(ms), unit: 'ms', detail: { bundles: Object.keys(out).length } })];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median wall time (ms) of `runs` process starts of each command, interleaved so that a shared
 * machine's noise hits all of them alike. */
async function medianStartMs(commands: Record<string, readonly string[]>, runs: number): Promise<Record<string, number>> {
  const { execFileSync } = await import('node:child_process');
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const t0 = performance.now();
      execFileSync(process.execPath, argv, { stdio: 'ignore' });
      if (i > 0) times[name]!.push(performance.now() - t0); // the first round warms the file cache
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
}

/** 7. The installed CLI's `upload-harness --help` (packed, installed into an empty project, compiled
 * JavaScript) against `node -e 0`: what a user waits for before any command does work. */
export async function benchCliStart(o: BenchOptions): Promise<Row[]> {
  const { installOffline, packStaged } = await import('../scripts/pack-install.ts');
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-bench-cli-'));
  try {
    const project = installOffline(dir, packStaged(dir).tarball);
    const bin = join(project, 'node_modules/upload-harness/bin/upload-harness.js');
    const runs = o.quick ? 5 : 20;
    const ms = await medianStartMs({ help: [bin, '--help'], node: ['-e', '0'] }, runs);
    o.log(`  cli start: upload-harness --help ${ms.help!.toFixed(0)} ms, node -e 0 ${ms.node!.toFixed(0)} ms (median of ${runs})`);
    return [row({ id: 'cli.help', name: 'installed `upload-harness --help` vs `node -e 0`', value: r2(ms.help! / ms.node!), unit: 'x', target: { op: '<=', value: 3 }, detail: { helpMs: r2(ms.help!), nodeMs: r2(ms.node!), runs } })];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
