// The servers under test, run in a CHILD process (forked by bench/servers.ts) so that the server and
// the load generator run on different cores. argv[2] picks the server:
//   mock  the real mock (startMockServer: Fastify, auth, signing, storage emulator)
//   mock-recording  the same with client recording on (src/verify/recorder.ts)
//   bare  node:http answering every request with a fixed body (BENCH_BARE_BODY), the req/s ceiling
//   sink  node:http that reads and discards the request body, then answers 204 (the MB/s ceiling)
// Over IPC: sends {type:'ready', baseUrl}; answers {type:'mem'} with current/peak RSS (sampled every
// 20 ms from process.memoryUsage.rss and /proc/self/status VmHWM) and {type:'mem-reset'} by restarting
// the peak; exits on {type:'stop'}.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

const kind = process.argv[2] ?? 'bare';

function vmHwmBytes(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => {
  const r = process.memoryUsage.rss();
  if (r > peak) peak = r;
}, 20);
sampler.unref();

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  if (kind === 'mock' || kind === 'mock-recording') {
    const { startMockServer } = await import('../src/mock/index.ts');
    const maxObjects = process.env.BENCH_STORAGE_MAX_OBJECTS;
    // mock-recording: the same mock with client recording on (verify-client, mock --client-report).
    const recordClient = kind === 'mock-recording' ? new (await import('../src/verify/recorder.ts')).ClientRecorder() : undefined;
    const mock = await startMockServer({ port: 0, host: '127.0.0.1', storageDir: process.env.BENCH_STORAGE_DIR, storageMaxObjects: maxObjects ? Number(maxObjects) : undefined, ...(recordClient ? { recordClient } : {}) });
    return mock;
  }
  if (kind === 'bare') {
    const body = Buffer.from(process.env.BENCH_BARE_BODY ?? '{"success":true,"results":{}}');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      });
    });
    server.keepAliveTimeout = 30_000;
    return { baseUrl: await listen(server), close: () => new Promise((r) => server.close(() => r())) };
  }
  if (kind === 'sink') {
    const server = createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        res.writeHead(204, { 'x-bytes-received': String(n) });
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.requestTimeout = 0;
    return { baseUrl: await listen(server), close: () => new Promise((r) => server.close(() => r())) };
  }
  throw new Error(`unknown server kind ${kind}`);
}

const server = await start();
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'mem') {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    process.send!({ type: 'mem', rss, peak, hwm: vmHwmBytes() });
  } else if (msg.type === 'mem-reset') {
    peak = process.memoryUsage.rss();
    process.send!({ type: 'mem-reset', rss: peak });
  } else if (msg.type === 'stop') {
    clearInterval(sampler);
    void server.close().finally(() => process.exit(0));
  }
});
process.send!({ type: 'ready', baseUrl: server.baseUrl, pid: process.pid });
