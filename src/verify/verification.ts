// One verification of a client command, as `verify-client` runs it: the command once on a clean mock,
// then — with --robustness — once more per selected fault, each case on a fresh mock of its own with
// that one fault (as Autobahn runs each case on its own connection), every run judged on its own and
// the whole turned into one results model. Aborting (Ctrl-C) stops the running command (SIGTERM, then
// SIGKILL after 5 s) and returns what was seen, marked incomplete.
import { spawn, type StdioOptions } from 'node:child_process';
import { HarnessError } from '../config/errors.ts';
import { redactText } from '../config/redact.ts';
import type { StorageCors } from '../mock/storage/cors.ts';
import type { ClientResults } from '../results/client.ts';
import type { JudgedCase } from './judge.ts';
import type { RobustnessFault } from './robustness.ts';
import { startVerifySession, type VerifySession } from './session.ts';

export interface VerificationOptions {
  command: string[];
  /** The environment the command starts from (the ASHBY_* variables are added; default process.env). */
  env?: NodeJS.ProcessEnv;
  strict: boolean;
  minFlows: number;
  /** The robustness cases to run after the clean run, in this order. */
  robustness?: readonly RobustnessFault[];
  port?: number;
  storageCors?: StorageCors;
  uploadTtlMs?: number;
  /** The command's stdio (default: passed through). */
  stdio?: StdioOptions;
  /** Called with the command's stderr when stdio pipes it. */
  onStderr?: (text: string) => void;
  /** Aborting stops the running command; the results are then marked incomplete. */
  signal?: AbortSignal;
  /** Progress lines (which run starts). */
  log?: (line: string) => void;
}

export interface VerificationOutcome {
  results: ClientResults;
  /** Set when the run was aborted (the signal's reason, e.g. SIGINT). */
  interrupted?: string;
  /** The known secrets of every run (keys, issued policies): for the report writer's last check. */
  secrets: string[];
}

interface CommandExit {
  exitCode: number | null;
  signal?: string;
}

/** Runs the command to its end (or until `signal` aborts it). */
function runCommand(command: string[], env: NodeJS.ProcessEnv, options: VerificationOptions): Promise<CommandExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env, stdio: options.stdio ?? 'inherit' });
    if (options.onStderr) child.stderr?.on('data', (c: Buffer) => options.onStderr!(c.toString()));
    const stop = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    const done = (): void => options.signal?.removeEventListener('abort', stop);
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      if (err.code === 'ENOENT') reject(new HarnessError('command-not-found', `command not found: ${command[0]}`));
      else if (err.code === 'EACCES') reject(new HarnessError('command-not-executable', `command is not executable: ${command[0]}`, `chmod +x ${command[0]}, or run it through its interpreter (bash ${command[0]})`));
      else reject(new HarnessError('command-failed-to-start', `could not start ${command[0]}: ${err.message}`));
    });
    child.once('exit', (code, sig) => {
      done();
      resolve(sig ? { exitCode: code, signal: sig } : { exitCode: code });
    });
  });
}

async function openSession(options: VerificationOptions, fault?: RobustnessFault): Promise<VerifySession> {
  try {
    return await startVerifySession({
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.storageCors ? { storageCors: options.storageCors } : {}),
      ...(options.uploadTtlMs !== undefined ? { uploadTtlMs: options.uploadTtlMs } : {}),
      ...(fault ? { fault } : {}),
    });
  } catch (err) {
    if (err instanceof HarnessError) throw err;
    throw new HarnessError('mock-start', `the mock failed to start: ${err instanceof Error ? err.message : String(err)}`, options.port !== undefined ? `is port ${options.port} free? omit --port for any free port` : undefined);
  }
}

const abortReason = (signal: AbortSignal | undefined): string => (typeof signal?.reason === 'string' ? signal.reason : 'SIGINT');

export async function runVerification(options: VerificationOptions): Promise<VerificationOutcome> {
  const log = options.log ?? (() => undefined);
  const faults = options.robustness ?? [];
  const secrets = new Set<string>();
  const clean = await openSession(options, undefined);
  let cleanExit: CommandExit;
  try {
    if (faults.length) log(`verify-client: clean run (no fault), then ${faults.length} robustness case(s), each a run of its own`);
    cleanExit = await runCommand(options.command, { ...(options.env ?? process.env), ...clean.env }, options);
    for (const s of clean.secrets()) secrets.add(s);
  } finally {
    await clean.close(); // judged below from what it recorded; its port is free for the cases (--port)
  }
  const cases: JudgedCase[] = [];
  for (const fault of faults) {
    if (options.signal?.aborted) break;
    log(`verify-client: robustness case ${fault}: running the command again on a fresh mock`);
    const session = await openSession(options, fault);
    try {
      const exit = await runCommand(options.command, { ...(options.env ?? process.env), ...session.env }, options);
      for (const s of session.secrets()) secrets.add(s);
      if (options.signal?.aborted) break; // an interrupted case proves nothing: left out
      cases.push(session.judgeCase({ strict: options.strict, command: exit }));
    } finally {
      await session.close();
    }
  }
  const known = [...secrets];
  const command: NonNullable<ClientResults['command']> = { argv: options.command.map((a) => redactText(a, known)), ...cleanExit };
  const interrupted = options.signal?.aborted ? abortReason(options.signal) : undefined;
  const results = clean.judge({ strict: options.strict, minFlows: options.minFlows, incomplete: interrupted !== undefined, command, robustness: cases, secrets: known });
  return interrupted ? { results, interrupted, secrets: known } : { results, secrets: known };
}
