// Runs the CLI as users do: `node bin/upload-harness.js …` of the build staged by ./built-cli.ts (the
// `cli` project's globalSetup in vitest.config.ts). A test file that uses this must be in that project.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { inject } from 'vitest';

/** The checkout: the working directory of CLI runs, and where fixtures and examples live. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI's entry (bin/upload-harness.js of the staged build). */
export function builtCli(): string {
  const bin = inject('builtCli');
  if (!bin) throw new Error('no built CLI: this test file spawns the CLI, so it belongs to the `cli` project in vitest.config.ts');
  return bin;
}

export interface CliOptions {
  /** Added to the environment (over process.env, or over `baseEnv` when given); an undefined value unsets. */
  env?: NodeJS.ProcessEnv;
  /** The environment to start from instead of process.env. */
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** SIGKILL after this long: a hung CLI fails its test instead of hanging the run. */
  killAfterMs?: number;
}

export interface CliRun {
  /** The exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI with stdout and stderr piped (for tests that signal it or read it as it runs). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcessByStdio<null, Readable, Readable> {
  const env = { ...(options.baseEnv ?? process.env), ...options.env };
  return spawn(process.execPath, [builtCli(), ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A signal to send once `when` matches the output so far (stdout and stderr, in arrival order). */
export interface Interrupt {
  when: RegExp;
  signal: NodeJS.Signals;
}

export interface InterruptedRun extends CliRun {
  /** stdout and stderr interleaved as they arrived: what the triggers were matched against. */
  output: string;
  /** How many of the interrupts were sent (each at most once, in order). */
  sent: number;
}

/**
 * Runs the built CLI to its end, sending each interrupt's signal once its trigger has appeared: the
 * signal follows the program's own progress, not a timer. Never throws on a non-zero exit.
 */
export function runCliInterrupted(args: readonly string[], interrupts: readonly Interrupt[], options: CliOptions = {}): Promise<InterruptedRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    let output = '';
    let sent = 0;
    const seen = (d: string) => {
      output += d;
      while (sent < interrupts.length && interrupts[sent]!.when.test(output)) child.kill(interrupts[sent++]!.signal);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      seen(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      seen(d);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, output, sent });
    });
  });
}

/** Runs the built CLI to its end; never throws on a non-zero exit (the output is the evidence). */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const { code, signal, stdout, stderr } = await runCliInterrupted(args, [], options);
  return { code, signal, stdout, stderr };
}

/**
 * Runs the built CLI with a terminal as its stdout and stderr (util-linux `script -qec`), for what only
 * shows in a terminal (colour, the progress line's redraw). The terminal's output comes combined.
 */
export function runCliInTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, builtCli(), ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
