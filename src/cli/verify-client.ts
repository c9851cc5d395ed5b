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
import type { Command } from '../cli.ts';
import { HELP, OPTIONS, DEFAULT_CLIENT_REPORT_DIR } from './verify-client-help.ts';
import { parseCommandArgs, parseIntegerOption } from './args.ts';
import { checkReportDir, writeReports } from './report-files.ts';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { handleStopSignals, RunInterrupt } from '../config/interrupt.ts';
import type { ClientResults } from '../results/client.ts';
import { DEFAULT_STORAGE_CORS, parseStorageCors, type StorageCors } from '../mock/storage/cors.ts';
import { clientEnvFor, formatClientEnv } from '../verify/session.ts';
import { parseRobustness, type RobustnessFault } from '../verify/robustness.ts';
import { runVerification } from '../verify/verification.ts';




export interface VerifyClientArgs {
  port?: number;
  reportDir: string;
  strict: boolean;
  minFlows: number;
  robustness?: RobustnessFault[];
  storageCors: StorageCors;
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
    storageCors: values['storage-cors'] === undefined ? DEFAULT_STORAGE_CORS : parseStorageCors(values['storage-cors']),
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

/**
 * The console verdict (stderr: the command's stdout stays its own): the counts of the report, every
 * violated rule by name (SHOULD too), each reason of a failure, each robustness case, where the report is.
 */
export function printClientSummary(results: ClientResults, reportHtml: string): void {
  const s = results.summary;
  console.error(`verify-client: ${s.passed ? 'PASSED' : 'FAILED'} — ${s.flows} flow(s), ${s.completeFlows} complete (handle → accepted upload); ${s.mustViolations} MUST / ${s.shouldViolations} SHOULD violation(s)${results.incomplete ? ' (incomplete)' : ''}`);
  const runs = [{ name: 'clean run', flows: results.flows, strayViolations: results.strayViolations }, ...(results.robustness ?? []).map((c) => ({ ...c, name: `case ${c.fault}` }))];
  for (const r of s.violatedRules) {
    const where = runs.filter((run) => [...run.flows.flatMap((f) => f.violations), ...run.strayViolations].some((v) => v.ruleId === r.id)).map((run) => run.name);
    const warning = results.rules.find((x) => x.id === r.id)?.status === 'warn' ? ' — a warning (fails with --strict)' : '';
    console.error(`  violated ${r.level} ${r.id} (${r.violations}×${results.robustness ? `, in ${where.join(', ')}` : ''})${warning}`);
  }
  for (const f of s.failures) console.error(`  FAIL ${f}`);
  for (const r of results.robustness ?? []) console.error(`  robustness case ${r.fault}: ${r.passed ? 'PASS' : 'FAIL'} (${r.verdict}) — ${r.detail}`);
  console.error(`report: ${reportHtml}`);
}

async function printEnv(port: number): Promise<number> {
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    console.log(formatClientEnv(await clientEnvFor(baseUrl)));
  } catch (err) {
    throw new HarnessError('mock-unreachable', `no mock answered at ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return EXIT.ok;
}

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const args = parseVerifyClientArgs(argv);
    if (args.printEnv) return printEnv(args.port ?? 4010);
    await checkReportDir(args.reportDir);
    // Ctrl-C / SIGTERM: the running command is stopped and the report of what was seen is written.
    const interrupt = new RunInterrupt();
    const unhandle = handleStopSignals(interrupt);
    try {
      const outcome = await runVerification({
        command: args.command,
        strict: args.strict,
        minFlows: args.minFlows,
        storageCors: args.storageCors,
        signal: interrupt.stop,
        log: (line) => console.error(line),
        ...(args.port !== undefined ? { port: args.port } : {}),
        ...(args.robustness ? { robustness: args.robustness } : {}),
      });
      const written = await writeReports(args.reportDir, 'client', outcome.results, outcome.secrets);
      printClientSummary(outcome.results, written.html);
      if (outcome.interrupted) return EXIT.usage; // not a verdict either way, as for conform and load
      return outcome.results.summary.passed ? EXIT.ok : EXIT.checkFailed;
    } finally {
      unhandle();
    }
  },
};
