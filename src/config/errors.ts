// Typed errors with stable codes. The CLI prints `error [code]: message` plus a hint and exits with the
// error's exit-code class; stack traces only with --debug.
// Every code is declared once, in HARNESS_ERRORS, with its exit class, when it happens and its usual
// hint: a code users may script against cannot be invented at a call site, and docs/errors.md is
// rendered from this table (`npm run docs:errors`; test/errors.test.ts fails when it is stale).

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, thresholds: 99 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
type ExitClass = keyof typeof EXIT;

interface HarnessErrorSpec {
  readonly exit: ExitClass;
  /** When the harness gives it, for the docs table. */
  readonly when: string;
  /** What to do about it, printed as `hint:` unless the call site knows a more specific one. */
  readonly hint?: string;
}

export const HARNESS_ERRORS = {
  usage: { exit: 'usage', when: 'a bad command, flag, environment variable, config value or input file' },
  internal: { exit: 'usage', when: 'an unexpected failure: a bug in upload-harness', hint: 'rerun with --debug for details' },
  'target-unreachable': { exit: 'usage', when: 'the target did not answer the pre-flight request (refused, DNS, TLS, proxy, timeout)', hint: 'check --target and the network (HTTPS_PROXY, NO_PROXY, --ca-file)' },
  deviations: { exit: 'usage', when: 'the known-deviations file cannot be read, names an unknown check or gives no reason' },
  'port-in-use': { exit: 'usage', when: "the mock's port is already taken", hint: 'stop what listens there, or choose another port (--port 0 = any free port)' },
  'port-not-allowed': { exit: 'usage', when: 'the mock may not listen on a privileged port', hint: 'ports below 1024 need privileges: choose a port ≥ 1024 or --port 0' },
  'host-not-found': { exit: 'usage', when: "the mock's --host cannot be resolved", hint: 'give an address or a resolvable name, e.g. --host 127.0.0.1' },
  'host-not-local': { exit: 'usage', when: "the mock's --host is not an address of this machine", hint: 'bind to one of its addresses, e.g. --host 127.0.0.1 or --host 0.0.0.0' },
  'mock-start': { exit: 'usage', when: 'the mock that `verify-client` starts did not come up' },
  'mock-unreachable': { exit: 'usage', when: '`verify-client --mock-url` found no mock answering there', hint: 'start it first: upload-harness mock --client-report reports/client (or give its --port)' },
  'command-not-found': { exit: 'usage', when: "`verify-client`'s client command does not exist", hint: 'check the spelling and that it is on PATH (or give a path, e.g. ./upload.sh)' },
  'command-not-executable': { exit: 'usage', when: "`verify-client`'s client command may not be run", hint: 'make it executable (chmod +x), or run it through its interpreter (e.g. bash ./upload.sh)' },
  'command-failed-to-start': { exit: 'usage', when: "`verify-client`'s client command could not be started for another reason" },
  'k6-not-runnable': { exit: 'usage', when: 'the k6 binary cannot be run', hint: 'install k6, set K6_BIN, or use --engine node' },
  'k6-failed': { exit: 'usage', when: 'k6 exited with an error, or wrote no results', hint: 'see the k6 lines above; k6 exit codes: 104 invalid config, 107 script exception, 108 test.abort() (k6 docs: errext exit codes)' },
  'k6-bundle': { exit: 'usage', when: 'the prebuilt k6 bundle is missing from the installed package', hint: 'reinstall upload-harness' },
  'secret-in-report': { exit: 'usage', when: 'a report about to be written contains a secret of the run; nothing is written', hint: 'nothing was written; this is a bug in upload-harness (the model was not redacted where it was built): please report it' },
} as const satisfies Record<string, HarnessErrorSpec>;

export type HarnessErrorCode = keyof typeof HARNESS_ERRORS;

export class HarnessError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  /** `hint` replaces the code's usual hint (HARNESS_ERRORS) when the call site knows a more specific one. */
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    hint?: string,
  ) {
    super(message);
    this.name = 'HarnessError';
    const spec: HarnessErrorSpec = HARNESS_ERRORS[code];
    this.hint = hint ?? spec.hint;
    this.exitCode = EXIT[spec.exit];
  }
}

/** A bad flag, environment variable or config value. */
export class UsageError extends HarnessError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint);
  }
}

/** docs/errors.md: the table of every harness error code (`npm run docs:errors` writes it). */
export function renderErrorsDoc(): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = Object.entries(HARNESS_ERRORS).map(([code, spec]: [string, HarnessErrorSpec]) => `| \`${code}\` | ${EXIT[spec.exit]} | ${cell(spec.when)} | ${cell(spec.hint ?? '(given with the error)')} |`);
  return [
    '# Harness error codes',
    '',
    '<!-- generated from src/config/errors.ts by `npm run docs:errors`; do not edit -->',
    '',
    'When upload-harness cannot do what it was asked, it prints one line `error [code]: message`, then',
    '`hint: …`, and exits with the code\'s exit class (no stack trace unless `--debug`). The codes are stable:',
    'scripts may match on them. Programmatic users get the same as a `HarnessError` (`code`, `message`,',
    '`hint`, `exitCode`) from the `upload-harness` entry.',
    '',
    '| code | exit | when | usual hint |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
