// `upload-harness verify-client [options] -- <command> [args…]`: judges the user's own upload code.
// Starts the mock with client recording (src/verify/), runs the command with ASHBY_* variables pointing
// at it, then groups what the command sent into flows, judges them against the client rule catalogue
// and writes <report-dir>/{index.html,junit.xml,results.json}.
//
// Exit codes: 0 every flow conforms AND the command exited 0; 1 a MUST rule broken (a SHOULD with
// --strict), fewer flows than --min-flows, a robustness misbehaviour, the command failed (any non-zero
// exit or a signal — its own code is recorded in results.json and printed, not passed through, because
// the harness's exit codes are classes: a client exiting 2 or 99 must not read as a harness error or a
// threshold); 2 harness error (bad option, command not found, mock failed) or an interrupted run (Ctrl-C,
// SIGTERM: the report of what was seen is written, marked incomplete; as `conform` and `load` do).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from '../cli.ts';
import { optionsHelp, parseCommandArgs, parseIntegerOption, type OptionTable } from './args.ts';
import { writeReports } from './report-files.ts';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { redactText } from '../config/redact.ts';
import type { ClientResults } from '../results/client.ts';
import { clientEnvFor, formatClientEnv, startVerifySession, type VerifySession } from '../verify/session.ts';
import { parseRobustness, ROBUSTNESS_FAULT_NAMES, type RobustnessFault } from '../verify/robustness.ts';

export const DEFAULT_CLIENT_REPORT_DIR = 'reports/client';

/** Every option of `verify-client` (format: src/cli/args.ts); the command under test follows `--`. */
export const OPTIONS = {
  port: { type: 'string', value: 'N', help: 'port for the mock (default: any free port); with --print-env: the port of\na mock you started yourself (default 4010)' },
  'report-dir': { type: 'string', value: 'DIR', default: DEFAULT_CLIENT_REPORT_DIR, help: 'where the report folder is written' },
  strict: { type: 'boolean', help: 'SHOULD violations fail the run too' },
  'min-flows': { type: 'string', value: 'N', default: 1, help: 'fewest complete handle→upload flows that must be seen' },
  robustness: { type: 'string', value: '[=LIST]', help: `inject failures, one per flow in rotation, and judge the reaction; LIST is\ncomma-separated from: ${ROBUSTNESS_FAULT_NAMES.join(', ')} (default: all)` },
  'print-env': { type: 'boolean', help: 'print the variables (export lines) for a mock on 127.0.0.1:--port, then exit' },
} as const satisfies OptionTable;

const HELP = `upload-harness verify-client: judge YOUR upload code against the mock

Usage: upload-harness verify-client [options] -- <command> [args…]

Starts the mock on 127.0.0.1, runs <command> with these variables set (stdin/stdout/stderr passed
through): ASHBY_BASE_URL, ASHBY_API_KEY (full access), ASHBY_LIMITED_API_KEY, ASHBY_JOB_POSTING_ID,
ASHBY_CANDIDATE_ID (a candidate created for the run). Every request is recorded, grouped into flows
(handle → storage POST → follow-up) and judged against the client rules (README: "Test your own upload
code"). Writes <report-dir>/{index.html,junit.xml,results.json}.

Options:
${optionsHelp(OPTIONS)}

Exit codes: 0 all flows conform and the command exited 0; 1 a rule broken, no flow seen, the command
failed (its code is printed and kept in results.json); 2 harness error, or the run was interrupted
(report written, marked incomplete).

Examples:
  upload-harness verify-client -- bash examples/clients/upload.sh
  upload-harness verify-client --strict --robustness -- env UPLOADS=5 node examples/clients/upload-fetch.mjs
  upload-harness verify-client --print-env --port 4010`;

export interface VerifyClientArgs {
  port?: number;
  reportDir: string;
  strict: boolean;
  minFlows: number;
  robustness?: RobustnessFault[];
  printEnv: boolean;
  command: string[];
}

export function parseVerifyClientArgs(argv: string[]): VerifyClientArgs {
  const split = argv.indexOf('--');
  const own = (split === -1 ? argv : argv.slice(0, split)).map((a) => (a === '--robustness' ? '--robustness=all' : a));
  const command = split === -1 ? [] : argv.slice(split + 1);
  const { values, positionals } = parseCommandArgs('verify-client', own, OPTIONS, true);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" before "--"`, 'put the command after "--": upload-harness verify-client [options] -- <command> [args…]');
  const args: VerifyClientArgs = {
    reportDir: values['report-dir'] ?? DEFAULT_CLIENT_REPORT_DIR,
    strict: values.strict ?? false,
    minFlows: values['min-flows'] === undefined ? 1 : parseIntegerOption('min-flows', values['min-flows'], 0, 1_000_000),
    printEnv: values['print-env'] ?? false,
    command,
  };
  if (values.port !== undefined) args.port = parseIntegerOption('port', values.port, 0, 65535);
  if (values.robustness !== undefined) args.robustness = parseRobustness(values.robustness);
  if (!args.printEnv && (command.length === 0 || command[0] === '')) {
    throw new UsageError('no command given to verify', 'upload-harness verify-client [options] -- <command> [args…], e.g. -- bash examples/clients/upload.sh');
  }
  return args;
}

/** The keys the command was given: scrubbed from the command line and every report text. */
function sessionSecrets(session: VerifySession): string[] {
  return [session.env.ASHBY_API_KEY, session.env.ASHBY_LIMITED_API_KEY].filter((k): k is string => !!k);
}

/** One line per reason, then where the report is (stderr: the command's stdout stays its own). */
export function printClientSummary(results: ClientResults, dir: string): void {
  const s = results.summary;
  console.error(`verify-client: ${s.passed ? 'PASSED' : 'FAILED'} — ${s.flows} flow(s), ${s.mustViolations} MUST / ${s.shouldViolations} SHOULD violation(s)${results.incomplete ? ' (incomplete)' : ''}`);
  for (const f of s.failures) console.error(`  ${f}`);
  for (const r of results.robustness ?? []) console.error(`  robustness ${r.fault}: ${r.verdict}`);
  console.error(`report: ${join(dir, 'index.html')}`);
}

interface CommandOutcome {
  exitCode: number | null;
  signal?: string;
  interrupted?: string;
}

/** Runs the command; SIGINT/SIGTERM to the harness stop it (SIGTERM, then SIGKILL after 5 s). */
function runCommand(command: string[], env: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env, stdio: 'inherit' });
    let interrupted: string | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      interrupted = signal;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const done = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      if (err.code === 'ENOENT') reject(new HarnessError('command-not-found', `command not found: ${command[0]}`, 'check the spelling and that it is on PATH (or give a path, e.g. ./upload.sh)'));
      else if (err.code === 'EACCES') reject(new HarnessError('command-not-executable', `command is not executable: ${command[0]}`, `chmod +x ${command[0]}, or run it through its interpreter (bash ${command[0]})`));
      else reject(new HarnessError('command-failed-to-start', `could not start ${command[0]}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      done();
      const outcome: CommandOutcome = { exitCode: code };
      if (signal) outcome.signal = signal;
      if (interrupted) outcome.interrupted = interrupted;
      resolve(outcome);
    });
  });
}

async function printEnv(port: number): Promise<number> {
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    console.log(formatClientEnv(await clientEnvFor(baseUrl)));
  } catch (err) {
    throw new HarnessError('mock-unreachable', `no mock answered at ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`, 'start it first: upload-harness mock --client-report reports/client (or give its --port)');
  }
  return EXIT.ok;
}

export const command: Command = {
  summary: 'run your upload client against the mock and judge what it sends', help: HELP, options: OPTIONS,
  async run(argv) {
    const args = parseVerifyClientArgs(argv);
    if (args.printEnv) return printEnv(args.port ?? 4010);
    let session: VerifySession;
    try {
      session = await startVerifySession({ ...(args.port !== undefined ? { port: args.port } : {}), ...(args.robustness ? { robustness: args.robustness } : {}) });
    } catch (err) {
      if (err instanceof HarnessError) throw err;
      throw new HarnessError('mock-start', `the mock failed to start: ${err instanceof Error ? err.message : String(err)}`, args.port !== undefined ? `is port ${args.port} free? omit --port for any free port` : undefined);
    }
    try {
      let outcome: CommandOutcome;
      try {
        outcome = await runCommand(args.command, { ...process.env, ...session.env });
      } catch (err) {
        if (session.recorder.requests.length > 0) await writeReports(args.reportDir, 'client', session.judge({ strict: args.strict, minFlows: args.minFlows, incomplete: true }), sessionSecrets(session));
        throw err;
      }
      const commandInfo: NonNullable<ClientResults['command']> = { argv: args.command.map((a) => redactText(a, sessionSecrets(session))), exitCode: outcome.exitCode };
      if (outcome.signal) commandInfo.signal = outcome.signal;
      const results = session.judge({ strict: args.strict, minFlows: args.minFlows, incomplete: outcome.interrupted !== undefined, command: commandInfo });
      await writeReports(args.reportDir, 'client', results, sessionSecrets(session));
      printClientSummary(results, args.reportDir);
      if (outcome.interrupted) return EXIT.usage; // not a verdict either way, as for conform and load
      return results.summary.passed ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await session.close();
    }
  },
};
