// Entry point: `upload-harness <command> [options]`. One file per command under src/cli/; this file only
// dispatches, prints errors as one line plus a hint, and maps them to exit-code classes
// (0 ok, 1 conformance failure, 2 usage or harness error, 99 thresholds failed).
import { pathToFileURL } from 'node:url';
import type { OptionTable } from './cli/option-table.ts';
import { EXIT, HARNESS_ERRORS, HarnessError } from './config/errors.ts';
import { adoptHeldStopSignals, type HeldStopSignals } from './config/interrupt.ts';

export interface Command {
  help: string;
  /** Every option the command accepts; its parser config and --help block are generated from it. */
  options: OptionTable;
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  /** The line the command list shows. */
  summary: string;
  /** The --help text, from src/cli/<name>-help.ts: loads none of the command's dependencies. */
  help(): Promise<string>;
  /** The command itself, from src/cli/<name>.ts (its dependencies load with it). */
  load(): Promise<Command>;
  /** Stops gracefully on SIGINT/SIGTERM (partial report, exit 2): takes over signals held since start-up. */
  stopsGracefully?: true;
}

function lazyCommand(summary: string, help: () => Promise<{ HELP: string }>, load: () => Promise<{ command: Command }>, more: Pick<CommandEntry, 'stopsGracefully'> = {}): CommandEntry {
  return { summary, help: async () => (await help()).HELP, load: async () => (await load()).command, ...more };
}

// Imported lazily, one module per command: `upload-harness --help` loads none of them, `<command>
// --help` only that command's help module, so help answers at Node's start-up speed (bench/startup.ts).
const COMMANDS: Record<string, CommandEntry> = {
  mock: lazyCommand("run a local mock of Ashby's API and its upload storage", () => import('./cli/mock-help.ts'), () => import('./cli/mock.ts'), { stopsGracefully: true }),
  conform: lazyCommand('run the conformance checks against the mock or a real endpoint', () => import('./cli/conform-help.ts'), () => import('./cli/conform.ts'), { stopsGracefully: true }),
  drift: lazyCommand('compare the embedded mock with a target: every behaviour in which they differ', () => import('./cli/drift-help.ts'), () => import('./cli/drift.ts'), { stopsGracefully: true }),
  load: lazyCommand('arrival-rate load test (k6 or node engine), HTML/JSON/JUnit report', () => import('./cli/load-help.ts'), () => import('./cli/load.ts'), { stopsGracefully: true }),
  report: lazyCommand('merge load results of several processes/machines into one report', () => import('./cli/report-help.ts'), () => import('./cli/report.ts')),
  k8s: lazyCommand('print a k6-operator TestRun + ConfigMap for a distributed k6 run', () => import('./cli/k8s-help.ts'), () => import('./cli/k8s.ts')),
  build: lazyCommand('compile the k6 scenarios to dist/k6/*.js', () => import('./cli/build-help.ts'), () => import('./cli/build.ts')),
  doctor: lazyCommand('check a target, keys, ids and k6 before a run', () => import('./cli/doctor-help.ts'), () => import('./cli/doctor.ts')),
  'verify-client': lazyCommand('run your upload client against the mock and judge what it sends', () => import('./cli/verify-client-help.ts'), () => import('./cli/verify-client.ts'), { stopsGracefully: true }),
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

function usage(): string {
  const lines = ['Usage: upload-harness <command> [options]', '', 'Commands:'];
  for (const [name, entry] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(13)} ${entry.summary}`);
  lines.push('', 'Run `upload-harness <command> --help` for the options and examples of a command.');
  return lines.join('\n');
}

/**
 * `held`: SIGINT/SIGTERM received while the CLI loaded (bin/upload-harness.js holds them from its first
 * line). A command that stops gracefully takes them over; for any other one they take effect now.
 */
export async function main(argv: string[], held?: HeldStopSignals): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`error [usage]: unknown command "${name}"`);
    console.error(`hint: one of ${COMMAND_NAMES.join(', ')}; see upload-harness --help`);
    return EXIT.usage;
  }
  if (held && entry.stopsGracefully) adoptHeldStopSignals(held);
  else if (held) {
    held.release();
    if (held.signals.length) return signalExit(held.signals[0]!);
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(await entry.help());
      return EXIT.ok;
    }
    return await (await entry.load()).run(rest);
  } catch (err) {
    return reportError(err, debug);
  }
}

/** The exit code node's default handling of the signal gives (128 + its number). */
function signalExit(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof HarnessError) {
    console.error(`error [${err.code}]: ${err.message}`);
    if (err.hint) console.error(`hint: ${err.hint}`);
    if (debug && err.stack) console.error(err.stack);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  console.error(`error [internal]: ${message}`);
  console.error(debug && err instanceof Error && err.stack ? err.stack : `hint: ${HARNESS_ERRORS.internal.hint}`);
  return EXIT[HARNESS_ERRORS.internal.exit];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
