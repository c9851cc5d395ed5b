// Public entry `upload-harness`: the CLI as a function (what bin/upload-harness.js runs) plus its
// exit-code classes and error types. The libraries are the subpath entries (upload-harness/mock,
// /client, /conformance). Only the names listed here are public (docs/api.md); test/public-api.test.ts
// pins them.
export { EXIT, HarnessError, UsageError, type ExitCode, type HarnessErrorCode } from '../config/errors.ts';

// The CLI module is loaded through a computed URL, not a literal import: that keeps the command modules
// (internal, free to change) out of the public type declarations and out of this entry's load time.
const CLI_MODULE = new URL(import.meta.url.endsWith('.ts') ? '../cli.ts' : '../cli.js', import.meta.url).href;

/** Runs `upload-harness <argv…>` in this process; resolves to the exit code (0, 1, 2 or 99). */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = (await import(CLI_MODULE)) as { main(argv: string[]): Promise<number> };
  return cli.main([...argv]);
}
