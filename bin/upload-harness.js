#!/usr/bin/env node
// The CLI. Installed, it runs the compiled JavaScript in dist/ (built at prepack). In a source checkout
// (src/cli.ts present and tsx installed as a development dependency) it runs the TypeScript sources
// through tsx instead, so a checkout never runs a stale build.
import { existsSync } from 'node:fs';

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
process.exitCode = await main(process.argv.slice(2));
