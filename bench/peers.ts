// Peers: the tools a user would pick instead of this harness, measured side by side in the same run,
// with the same client and settings. They live in bench/peers/ with their own package.json and
// lock file, installed there on first use (`npm ci --ignore-scripts`: Artillery's optional browser
// download is not needed for HTTP load), never as dependencies of the package. A peer that cannot be
// installed or started gives a SKIPPED row with the reason, never a pass. BENCH_PEERS=0 skips them all.
//   API mock:  Prism (@stoplight/prism-cli) serving a static example of file.createFileUploadHandle,
//              measured inside the handle bench (bench/benches.ts) in the same rounds as the bare server
//   storage:   s3rver (the S3 emulator behind serverless-s3-local), one presigned POST with curl
//   load tool: Artillery (arrivalRate phases) and `loadtest --rps`, open-model, against the bare server
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HANDLE_BODY, HANDLE_PATH, JSON_HEADERS, cannon, curlUpload, engineAt, findSustainedRate, presign, r2, row, sampleHandleResponse, skippedRow, writeTestFile, cleanMockStorage, settleDisk, withCpu, type BenchOptions, type Row, type RateTrial } from './benches.ts';
import { startChild, stopChild } from './servers.ts';

const execFileP = promisify(execFile);
const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));
const MiB = 1024 * 1024;

/** undefined when the peers are installed (installing them on first use), else why they are skipped. */
async function peersReady(o: BenchOptions): Promise<string | undefined> {
  if (process.env.BENCH_PEERS === '0') return 'BENCH_PEERS=0';
  if (existsSync(join(PEERS_DIR, 'node_modules', '.package-lock.json'))) return undefined;
  o.log('  peers: first use, installing into bench/peers (npm ci --ignore-scripts)');
  try {
    await execFileP('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, timeout: 600_000 });
    return undefined;
  } catch (err) {
    return `npm ci in bench/peers failed: ${String((err as Error).message).split('\n')[0]}`;
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface PeerProcess {
  pid: number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a peer and resolves once its output matches `ready` (or rejects with what it printed). */
async function startPeer(name: string, args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<PeerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PEERS_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s: ${out.slice(-400)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}): ${out.slice(-400)}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    pid: child.pid,
    output: () => out,
    stop: () => stopChild(child, () => child.kill('SIGTERM')),
  };
}

/** A small OpenAPI document of the handle operation: the request schema and the mock's real answer as example. */
function handleOpenApi(example: unknown): unknown {
  const str = { type: 'string', minLength: 1 };
  return {
    openapi: '3.1.0',
    info: { title: 'file.createFileUploadHandle (bench peer)', version: '1' },
    paths: {
      [HANDLE_PATH]: {
        post: {
          operationId: 'createFileUploadHandle',
          security: [{ BasicAuth: [] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['fileUploadContext', 'filename', 'contentType', 'contentLength'],
                  properties: { fileUploadContext: { type: 'string', enum: ['CandidateResume', 'CandidateFiles', 'ApplicationForm'] }, filename: str, contentType: str, contentLength: { type: 'integer', maximum: 9007199254740991 } },
                },
              },
            },
          },
          responses: { '200': { description: 'the handle', content: { 'application/json': { schema: { type: 'object' }, example } } } },
        },
      },
    },
    components: { securitySchemes: { BasicAuth: { type: 'http', scheme: 'basic' } } },
  };
}

/** Prism serving a static example of the handle operation (the mock's own answer), for the handle bench
 * (bench/benches.ts), which measures it in the same rounds as the mock and the bare server; or why not. */
export async function startPrism(o: BenchOptions, exampleBody: string): Promise<{ url: string; stop(): Promise<void> } | { skipped: string }> {
  const skip = await peersReady(o);
  if (skip) return { skipped: skip };
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-peer-'));
  const spec = join(dir, 'handle.openapi.json');
  await writeFile(spec, JSON.stringify(handleOpenApi(JSON.parse(exampleBody))));
  const port = await freePort();
  let prism: PeerProcess;
  try {
    prism = await startPeer('prism', [join(PEERS_DIR, 'node_modules/@stoplight/prism-cli/dist/index.js'), 'mock', '-h', '127.0.0.1', '-p', String(port), spec], /Prism is listening/);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    return { skipped: (err as Error).message.split('\n')[0]! };
  }
  const stop = async (): Promise<void> => {
    await prism.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}${HANDLE_PATH}`;
  const check = await fetch(url, { method: 'POST', headers: JSON_HEADERS, body: HANDLE_BODY });
  const checkText = await check.text();
  if (check.status !== 200 || !checkText.includes('"handle"')) {
    await stop();
    throw new Error(`Prism answered HTTP ${check.status}: ${checkText.slice(0, 200)}`);
  }
  return { url, stop };
}

/** s3rver's own DeleteObject (it checks no signature), so its storage is as clean as the mock's. */
async function deleteS3rverObject(bucketUrl: string, key: string): Promise<void> {
  const res = await fetch(`${bucketUrl}/${key}`, { method: 'DELETE' });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`s3rver DeleteObject answered HTTP ${res.status}`);
}

/** 2. Storage ingest of one presigned POST with curl: the mock (which checks the policy) vs s3rver (which does not). */
export async function benchPeerIngest(o: BenchOptions): Promise<Row[]> {
  const size = (o.quick ? 32 : 256) * MiB;
  const name = `storage ingest MB/s (${size / MiB} MiB, curl), mock ÷ s3rver`;
  const skip = await peersReady(o);
  if (skip) return [skippedRow('peers.s3rver', name, skip)];
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-peer-'));
  const mockStorage = join(dir, 'mock');
  const mock = await startChild('mock', { BENCH_STORAGE_DIR: mockStorage });
  let s3rver: PeerProcess | undefined;
  try {
    try {
      s3rver = await startPeer('s3rver', [join(PEERS_DIR, 's3rver-server.mjs'), join(dir, 's3rver'), 'bench'], /"port":\d+/);
    } catch (err) {
      return [skippedRow('peers.s3rver', name, (err as Error).message.split('\n')[0]!)];
    }
    const s3Url = `http://127.0.0.1:${(JSON.parse(s3rver.output().trim().split('\n').pop()!) as { port: number }).port}/bench`;
    const file = join(dir, 'upload.bin');
    await writeTestFile(file, size);
    const runs = o.quick ? 1 : 4;
    // The same conditions for both sides: each upload starts on clean storage (what the previous
    // upload stored is deleted, the disk synced, cleanMockStorage says why) and the order alternates
    // every round, so neither side always follows the other's disk writes. Round 0 warms the page
    // cache and both servers and is not counted; then best of `runs`.
    const peer = s3rver;
    const sides = {
      mock: async () => {
        const m = await presign(mock, size);
        await cleanMockStorage(mockStorage);
        return withCpu(mock.pid, () => curlUpload(m.url, m.fields, file));
      },
      s3rver: async (i: number) => {
        if (i > 0) await deleteS3rverObject(s3Url, `obj-${i - 1}`);
        await settleDisk();
        return withCpu(peer.pid, () => curlUpload(s3Url, [['key', `obj-${i}`]], file));
      },
    };
    const times: Record<keyof typeof sides, number[]> = { mock: [], s3rver: [] };
    const cpu: Record<keyof typeof sides, (number | undefined)[]> = { mock: [], s3rver: [] };
    for (let i = 0; i <= runs; i++) {
      const order: (keyof typeof sides)[] = i % 2 === 0 ? ['mock', 's3rver'] : ['s3rver', 'mock'];
      for (const side of order) {
        const t = await sides[side](i);
        if (i > 0) {
          times[side].push(t.ms);
          cpu[side].push(t.cpuMs);
        }
      }
    }
    const mbps = (ms: number[]) => r2(size / MiB / (Math.min(...ms) / 1000));
    o.log(`  peer ingest: mock ${mbps(times.mock)} MiB/s, s3rver ${mbps(times.s3rver)} MiB/s (best of ${runs})`);
    return [row({ id: 'peers.s3rver', name, value: r2(mbps(times.mock) / mbps(times.s3rver)), unit: 'x', target: { op: '>=', value: 2 }, detail: { bytes: size, client: 'curl', mockMiBps: mbps(times.mock), s3rverMiBps: mbps(times.s3rver), mockMs: times.mock.map(Math.round), s3rverMs: times.s3rver.map(Math.round), mockCpuMs: cpu.mock, s3rverCpuMs: cpu.s3rver, storage: 'cleaned and synced before each upload, order alternating', s3rver: 's3rver 3.7.1 (no policy check)' } })];
  } finally {
    await s3rver?.stop();
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A function, not a constant: bench/benches.ts and this module import each other (Prism runs in its handle bench). */
const peerHeaders = () => ({ accept: 'application/json', authorization: JSON_HEADERS.authorization });

/** One Artillery run at `rate` arrivals/s (one POST per virtual user). */
function artilleryTrial(baseUrl: string, dir: string, seconds: number): (rate: number) => Promise<RateTrial> {
  return async (rate) => {
    const config = join(dir, `artillery-${rate}.json`);
    const out = join(dir, `artillery-${rate}.out.json`);
    await writeFile(config, JSON.stringify({ config: { target: baseUrl, phases: [{ duration: seconds, arrivalRate: rate }], http: { timeout: 10 } }, scenarios: [{ flow: [{ post: { url: HANDLE_PATH, headers: { ...peerHeaders(), 'content-type': 'application/json' }, body: HANDLE_BODY } }] }] }));
    await execFileP(process.execPath, [join(PEERS_DIR, 'node_modules/artillery/bin/run'), 'run', '--quiet', '--output', out, config], { cwd: PEERS_DIR, timeout: (seconds + 120) * 1000, env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true' }, maxBuffer: 64 * MiB });
    const a = (JSON.parse(await readFile(out, 'utf8')) as { aggregate: { counters: Record<string, number>; firstCounterAt: number; lastCounterAt: number } }).aggregate;
    const c = a.counters;
    const planned = rate * seconds;
    const ok = c['http.codes.200'] ?? 0;
    // Artillery creates every planned arrival even when it falls behind, stretching the run: the rate
    // it achieved is over the span it really took.
    const spanS = Math.max(seconds, (a.lastCounterAt - a.firstCounterAt) / 1000);
    const achieved = r2(ok / spanS);
    const failed = c['vusers.failed'] ?? 0;
    return { rate, achieved, ok: failed === 0 && ok >= planned * 0.98 && Math.abs(achieved - rate) <= rate * 0.02, failed, droppedPct: r2((100 * Math.max(0, planned - (c['vusers.created'] ?? 0))) / planned) };
  };
}

/** One `loadtest --rps` run at `rate` requests/s, keep-alive, 32 clients (the connections the node engine gets). */
function loadtestTrial(url: string, seconds: number): (rate: number) => Promise<RateTrial> {
  return async (rate) => {
    const args = JSON.stringify({ url, body: HANDLE_BODY, headers: peerHeaders(), rps: rate, seconds, concurrency: 32 });
    const { stdout } = await execFileP(process.execPath, [join(PEERS_DIR, 'loadtest-run.mjs'), args], { cwd: PEERS_DIR, timeout: (seconds + 60) * 1000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { totalRequests: number; totalErrors: number; effectiveRps: number };
    const planned = rate * seconds;
    return { rate, achieved: r.effectiveRps, ok: r.totalErrors === 0 && r.totalRequests >= planned * 0.98 && Math.abs(r.effectiveRps - rate) <= rate * 0.02, failed: r.totalErrors, droppedPct: r2((100 * Math.max(0, planned - r.totalRequests)) / planned) };
  };
}

/** 3. Highest sustained open-model rate against the bare server: node engine ÷ the best of Artillery and loadtest. */
export async function benchPeerEngine(o: BenchOptions): Promise<Row[]> {
  const name = 'node engine sustained arrival rate ÷ best of Artillery, loadtest (bare server)';
  const skip = await peersReady(o);
  if (skip) return [skippedRow('peers.engine', name, skip)];
  const dir = await mkdtemp(join(tmpdir(), 'upload-harness-peer-'));
  const mock = await startChild('mock');
  let bare: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const body = await sampleHandleResponse(mock);
    await mock.stop();
    bare = await startChild('bare', { BENCH_BARE_BODY: body });
    const url = `${bare.baseUrl}${HANDLE_PATH}`;
    const seconds = o.quick ? 2 : 5;
    const steps = o.quick ? 3 : 5;
    const max = (await cannon(url, 32, o.quick ? 2 : 4)).requests.average;
    const node = await findSustainedRate((rate) => engineAt(bare!.baseUrl, rate, seconds * 1000, 256), Math.round(max * 0.6), max * 1.05, steps, (t) => o.log(`  peer engine node @ ${t.rate}/s → ${t.ok ? 'sustained' : 'not sustained'} (achieved ${t.achieved}/s)`));
    const peers: Record<string, number> = {};
    const details: Record<string, unknown> = {};
    for (const [peer, trial] of [
      ['artillery', artilleryTrial(bare.baseUrl, dir, seconds)],
      ['loadtest', loadtestTrial(url, seconds)],
    ] as const) {
      try {
        const found = await findSustainedRate(trial, 500, max * 1.05, steps, (t) => o.log(`  peer engine ${peer} @ ${t.rate}/s → ${t.ok ? 'sustained' : 'not sustained'} (achieved ${t.achieved}/s, dropped ${t.droppedPct}%)`), true);
        peers[peer] = found.sustained;
        details[peer] = found.tried;
      } catch (err) {
        details[peer] = `failed to run: ${(err as Error).message.split('\n')[0]}`;
      }
    }
    const best = Math.max(0, ...Object.values(peers));
    if (best === 0) return [skippedRow('peers.engine', name, `no peer load tool ran: ${JSON.stringify(details)}`)];
    return [
      row({ id: 'peers.engine', name, value: r2(node.sustained / best), unit: 'x', target: { op: '>=', value: 3 }, detail: { nodeSustained: node.sustained, peers, autocannonMaxRps: max, trialSeconds: seconds, criteria: 'dropped < 1 %, achieved within 2 % of target, no failures', nodeTried: node.tried, peerTrials: details } }),
      row({ id: 'peers.k6-reference', name: 'k6 (not measured here: not installable on these machines): published figure for one instance', value: 0, unit: 'ref', display: 'up to 100k–300k req/s on a large multi-core machine', detail: { source: 'docs/sources.md: k6 running large tests' } }),
    ];
  } finally {
    await bare?.stop();
    await mock.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

