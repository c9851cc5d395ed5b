// `npm run bench`: the performance benchmarks, peers side by side (bench/peers.ts). Prints a table and writes bench/results.json.
// Every targeted figure is a ratio against a baseline measured in this same run (see docs/performance.md).
//   BENCH_QUICK=1       ~30 s smoke version (shorter steps, smaller uploads, no fault matrix)
//   BENCH_ONLY=a,b      run only these benches (the keys of BENCHES below)
//   BENCH_PEERS=0       skip the peers (Prism in the handle bench; s3rver, Artillery, loadtest; see bench/peers.ts)
//   BENCH_CPU_PROF=dir  write a .cpuprofile of every server child process into dir
//   BENCH_OUT=file      results path (default bench/results.json)
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { benchBuild, benchClientRecording, benchClientSoak, benchConformance, benchEngine, benchFullFlow, benchHandle, benchIngest, benchSoak, type BenchOptions, type Row } from './benches.ts';
import { benchLargeFiles } from './large-files.ts';
import { benchPeerEngine, benchPeerIngest } from './peers.ts';
import { benchStartup } from './startup.ts';
import { renderTable } from './table.ts';

export const BENCHES = {
  handle: benchHandle,
  ingest: benchIngest,
  engine: benchEngine,
  fullflow: benchFullFlow,
  soak: benchSoak,
  conformance: benchConformance,
  build: benchBuild,
  largefiles: benchLargeFiles,
  startup: benchStartup,
  client: benchClientRecording,
  'client-soak': benchClientSoak,
  'peers-ingest': benchPeerIngest,
  'peers-engine': benchPeerEngine,
} as const;
export type BenchName = keyof typeof BENCHES;

export interface BenchResults {
  kind: 'upload-harness-bench';
  quick: boolean;
  startedAt: string;
  durationMs: number;
  node: string;
  cpus: number;
  cpuModel: string;
  rows: Row[];
  failures: { bench: string; error: string }[];
}

export async function runBenches(names: readonly BenchName[], options: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  const rows: Row[] = [];
  const failures: { bench: string; error: string }[] = [];
  for (const name of names) {
    options.log(`▶ ${name}`);
    try {
      rows.push(...(await BENCHES[name](options)));
    } catch (err) {
      const error = (err as Error).stack ?? String(err);
      failures.push({ bench: name, error });
      options.log(`  ${name} FAILED: ${error}`);
    }
  }
  return { kind: 'upload-harness-bench', quick: options.quick, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', rows, failures };
}

async function main(): Promise<void> {
  const quick = ['1', 'true', 'yes'].includes((process.env.BENCH_QUICK ?? '').toLowerCase());
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // A name given as an argument used to be ignored, and the whole bench (many minutes) ran instead.
  const usage = (why: string): void => {
    process.stderr.write(`bench: ${why}; choose benches with BENCH_ONLY=name[,name…] (${Object.keys(BENCHES).join(', ')})\n`);
    process.exitCode = 2;
  };
  if (process.argv.length > 2) return usage(`no arguments are taken (got ${process.argv.slice(2).join(' ')})`);
  const unknown = only.filter((n) => !(n in BENCHES));
  if (unknown.length) return usage(`unknown bench ${unknown.map((n) => `"${n}"`).join(', ')} in BENCH_ONLY`);
  const names = (only.length ? only : Object.keys(BENCHES)) as BenchName[];
  const results = await runBenches(names, { quick, log: (l) => process.stderr.write(`${l}\n`) });
  const out = process.env.BENCH_OUT ?? fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderTable(results.rows)}\n\n${quick ? 'BENCH_QUICK run (smoke sizes). ' : ''}Total ${(results.durationMs / 1000).toFixed(1)} s on ${results.cpus} × ${results.cpuModel}, Node ${results.node}. Results: ${out}\n`);
  if (results.failures.length) process.stdout.write(`Benches that failed to run: ${results.failures.map((f) => f.bench).join(', ')}\n`);
  // Set here, not only on failure: the conformance bench runs vitest in-process, and vitest sets
  // process.exitCode = 1 when the fault matrix's deliberately failing checks fail.
  process.exitCode = results.failures.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
