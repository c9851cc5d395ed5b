// Entry point: `upload-harness <command> [options]`. One file per command under src/cli/; this file only
// dispatches, prints errors as one line plus a hint, and maps them to exit-code classes
// (0 ok, 1 conformance failure, 2 usage or harness error, 99 thresholds failed).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { OptionTable } from './cli/args.ts';
import { EXIT, HarnessError } from './config/errors.ts';

export interface Command {
  summary: string;
  help: string;
  /** Every option the command accepts; its parser config and --help block are generated from it. */
  options: OptionTable;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  mock: async () => (await import('./cli/mock.ts')).command,
  conform: async () => (await import('./cli/conform.ts')).command,
  drift: async () => (await import('./cli/drift.ts')).command,
  load: async () => (await import('./cli/load.ts')).command,
  report: async () => (await import('./cli/report.ts')).command,
  k8s: async () => (await import('./cli/k8s.ts')).command,
  build: async () => (await import('./cli/build.ts')).command,
  doctor: async () => (await import('./cli/doctor.ts')).command,
  'verify-client': async () => (await import('./cli/verify-client.ts')).command,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Each command's summary, from its module (which loads that command's dependencies). */
export async function commandSummaries(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of COMMAND_NAMES) out[name] = (await COMMANDS[name]!()).summary;
  return out;
}

/** The compiled build carries the summaries (dist/src/cli/summaries.json, written by
 * scripts/build-dist.ts from the same modules), so the top-level --help loads no command module and
 * answers at Node's start-up speed. A source checkout has no such file and asks the modules. */
function builtSummaries(): Record<string, string> | undefined {
  try {
    const built = JSON.parse(readFileSync(new URL('./cli/summaries.json', import.meta.url), 'utf8')) as Record<string, string>;
    return COMMAND_NAMES.every((n) => typeof built[n] === 'string') ? built : undefined;
  } catch {
    return undefined;
  }
}

async function usage(): Promise<string> {
  const lines = ['Usage: upload-harness <command> [options]', '', 'Commands:'];
  const summaries = builtSummaries() ?? (await commandSummaries());
  for (const name of COMMAND_NAMES) lines.push(`  ${name.padEnd(13)} ${summaries[name]}`);
  lines.push('', 'Run `upload-harness <command> --help` for the options and examples of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`error [usage]: unknown command "${name}"`);
    console.error(`hint: one of ${COMMAND_NAMES.join(', ')}; see upload-harness --help`);
    return EXIT.usage;
  }
  try {
    const cmd = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(cmd.help);
      return EXIT.ok;
    }
    return await cmd.run(rest);
  } catch (err) {
    return reportError(err, debug);
  }
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
  console.error(debug && err instanceof Error && err.stack ? err.stack : 'hint: rerun with --debug for details');
  return EXIT.usage;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
