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
import { optionsHelp, parseCommandArgs, parseIntegerOption, type OptionTable } from './args.ts';
import { checkReportDir, writeReports } from './report-files.ts';
import { EXIT, HarnessError, UsageError } from '../config/errors.ts';
import { handleStopSignals, RunInterrupt } from '../config/interrupt.ts';
import type { ClientResults } from '../results/client.ts';
import { DEFAULT_STORAGE_CORS, parseStorageCors, type StorageCors } from '../mock/storage/cors.ts';
import { clientEnvFor, formatClientEnv } from '../verify/session.ts';
import { parseRobustness, ROBUSTNESS_FAULT_NAMES, type RobustnessFault } from '../verify/robustness.ts';
import { runVerification } from '../verify/verification.ts';

export const DEFAULT_CLIENT_REPORT_DIR = 'reports/client';

/** Every option of `verify-client` (format: src/cli/args.ts); the command under test follows `--`. */
export const OPTIONS = {
  port: { type: 'string', value: 'N', help: 'port for the mock (default: any free port); with --print-env: the port of\na mock you started yourself (default 4010)' },
  'report-dir': { type: 'string', value: 'DIR', default: DEFAULT_CLIENT_REPORT_DIR, help: 'where the report folder is written' },
  strict: { type: 'boolean', help: 'SHOULD violations fail the run too' },
  'min-flows': { type: 'string', value: 'N', default: 1, help: 'fewest complete flows (a handle, then an upload the storage accepted) that must\nbe seen; fewer fails the run, naming why each flow is incomplete' },
  robustness: { type: 'string', value: '[=LIST]', help: `after the clean run, run the command again once per fault (each on a fresh\nmock, the fault injected at the first request it applies to) and judge each\ncase on its own; a fault the command never reaches fails its case. LIST is\ncomma-separated from: ${ROBUSTNESS_FAULT_NAMES.join(', ')} (default: all)` },
  'storage-cors': { type: 'string', value: 'ORIGINS', default: '*', help: "the storage bucket's CORS rule for browser clients: * (any origin), none (S3's\ndefault: no CORS, a cross-origin browser upload fails), or origins, comma-separated" },
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

Exit codes: 0 all flows conform and the command exited 0; 1 a rule broken, fewer complete flows than
--min-flows, a robustness case failed (misbehaved, or its fault never exercised), the command failed
(its code is printed and kept in results.json); 2 harness error (also a --report-dir that cannot be
written, found before the run), or the run was interrupted (report written, marked incomplete).

Examples:
  upload-harness verify-client -- bash examples/clients/upload.sh
  upload-harness verify-client --strict --robustness -- node examples/clients/upload-fetch.mjs
  upload-harness verify-client --storage-cors none -- node my-browser-upload-test.mjs
  upload-harness verify-client --print-env --port 4010`;

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
  summary: 'run your upload client against the mock and judge what it sends', help: HELP, options: OPTIONS,
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
