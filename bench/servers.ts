// Parent side of bench/server-child.ts: fork a server in its own process and talk to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export type ServerKind = 'mock' | 'mock-recording' | 'bare' | 'sink';

interface MemSample {
  rss: number;
  peak: number;
  hwm?: number;
}

export interface ChildServer {
  kind: ServerKind;
  baseUrl: string;
  pid: number;
  mem(): Promise<MemSample>;
  resetPeak(): Promise<number>;
  stop(): Promise<void>;
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMsg);
      resolve(m as T);
    };
    child.on('message', onMsg);
    child.send({ type }, (err) => err && reject(err));
  });
}

/** BENCH_CPU_PROF=<dir> makes every server child write a .cpuprofile there on exit. */
export async function startChild(kind: ServerKind, env: Record<string, string> = {}): Promise<ChildServer> {
  const prof = process.env.BENCH_CPU_PROF;
  const child = fork(CHILD, [kind], {
    execArgv: ['--import', 'tsx', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ baseUrl: string; pid: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (code ${code})`)));
    child.on('message', (m: { type: string; baseUrl: string; pid: number }) => m.type === 'ready' && resolve(m));
  });
  child.removeAllListeners('exit');
  return {
    kind,
    baseUrl: ready.baseUrl,
    pid: ready.pid,
    mem: () => ask<MemSample>(child, 'mem'),
    resetPeak: async () => (await ask<{ rss: number }>(child, 'mem-reset')).rss,
    stop: () => stopChild(child, () => child.send({ type: 'stop' })),
  };
}

/** Asks a child to stop (`ask`), SIGKILLs it after 5 s, resolves once it has exited. */
export function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    ask();
  });
}
