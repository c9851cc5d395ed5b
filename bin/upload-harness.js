#!/usr/bin/env node
// The CLI. Installed, it runs the compiled JavaScript in dist/ (built at prepack). In a source checkout
// (src/cli.ts present and tsx installed as a development dependency) it runs the TypeScript sources
// through tsx instead, so a checkout never runs a stale build.
import { existsSync } from 'node:fs';

// A Ctrl-C (or SIGTERM) while the CLI loads is held, not fatal: a command that stops gracefully takes it
// over and still writes its partial report (src/config/interrupt.ts); for the others main() applies it.
const signals = [];
const hold = (signal) => signals.push(signal);
process.on('SIGINT', hold);
process.on('SIGTERM', hold);
const held = {
  signals,
  release() {
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
  },
};

const source = new URL('../src/cli.ts', import.meta.url);
let entry = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = source;
  } catch {
    // no tsx (a git install without devDependencies): the build that `prepare` made
  }
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), held);
held.release();
