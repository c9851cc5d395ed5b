// The CI examples (examples/*.yml) stay runnable: both parse as YAML, every `upload-harness <cmd> …` line
// names an existing command, and its flags are accepted by that command's own argument parser (load:
// parseLoadArgs; the others: node:util parseArgs strict with their option tables, the ones their --help
// is generated from; conform and doctor then through conform's config resolution). Environment
// variables named ASHBY_* are ones the harness reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_NAMES, type Command } from '../src/cli.ts';
import { parserConfig } from '../src/cli/args.ts';
import { parseLoadArgs } from '../src/cli/load.ts';
import { CONFORM_ENV, resolveConformConfig, type ConformFlags } from '../src/conformance/config.ts';

const ROOT = join(import.meta.dirname, '..');
const FILES = ['examples/github-actions.yml', 'examples/gitlab-ci.yml'];

/** Every string in the document (run:, script: entries, env values). */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const v of node) strings(v, out);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) strings(v, out);
  return out;
}

/** Every key of every mapping (to find the environment variable names). */
function keys(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) keys(v, out);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) {
    out.push(k);
    keys(v, out);
  }
  return out;
}

/** A small shell word splitter: quotes, backslash-newline continuations, stops at ; && || | and #. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1);
      cur += line.slice(i + 1, end < 0 ? undefined : end);
      has = true;
      i = end < 0 ? line.length : end;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '#') {
      break;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

interface Invocation {
  file: string;
  text: string;
  command: string;
  args: string[];
}

/**
 * Every upload-harness line, once with the shell variables it uses set to the flags the scripts assign
 * them (BASELINE="--baseline file") and once with them empty (the first night: no baseline yet).
 */
function invocations(file: string): Invocation[] {
  const all = strings(parse(readFileSync(join(ROOT, file), 'utf8'))).map((s) => s.replace(/\\\n\s*/g, ' '));
  const vars = new Map<string, string>();
  for (const s of all) for (const m of s.matchAll(/\b([A-Z_]+)="([^"]+)"/g)) vars.set(m[1]!, m[2]!);
  const result: Invocation[] = [];
  for (const script of all) {
    for (const line of script.split('\n')) {
      const at = line.search(/\bupload-harness\s/);
      if (at < 0) continue;
      for (const set of [true, false]) {
        const expanded = line.slice(at).replace(/\$\{?([A-Z_]+)\}?/g, (_, name: string) => (set ? (vars.get(name) ?? '') : ''));
        const [, command, ...args] = words(expanded);
        result.push({ file, text: `${line.trim()}${set ? '' : ' (variables empty)'}`, command: command!, args });
      }
    }
  }
  return result;
}

/** A command's parser options, read from its option table (the one its --help is generated from). */
async function helpOptions(name: string): Promise<{ options: Record<string, { type: 'string' | 'boolean'; multiple: boolean }> }> {
  const { command } = (await import(`../src/cli/${name}.ts`)) as { command: Command };
  return { options: parserConfig(command.options) };
}

/** What the examples' load jobs set (a job posting for full-flow's form attaches included). */
const STAGING_ENV = { ASHBY_BASE_URL: 'https://staging.example', ASHBY_API_KEY: 'k', ASHBY_JOB_POSTING_ID: 'jp' };

describe.each(FILES)('%s', (file) => {
  const found = invocations(file);

  it('parses and calls upload-harness', () => {
    expect(found.length).toBeGreaterThan(0);
  });

  it('uses only existing commands', () => {
    for (const inv of found) expect(COMMAND_NAMES, inv.text).toContain(inv.command);
  });

  it('uses only flags (and values) the command accepts', async () => {
    for (const inv of found) {
      if (inv.command === 'load') {
        expect(() => parseLoadArgs(inv.args, STAGING_ENV), inv.text).not.toThrow();
        continue;
      }
      const { options } = await helpOptions(inv.command);
      let values: Record<string, unknown> = {};
      expect(() => ({ values } = parseArgs({ args: inv.args, options, strict: true, allowPositionals: false })), inv.text).not.toThrow();
      if (inv.command === 'conform' || inv.command === 'doctor') {
        const { json: _json, ...flags } = values;
        expect(() => resolveConformConfig(flags as ConformFlags, STAGING_ENV), inv.text).not.toThrow();
      }
    }
  });

  it('sets only ASHBY_* environment variables the harness reads', () => {
    const known = new Set<string>(Object.values(CONFORM_ENV));
    const used = keys(parse(readFileSync(join(ROOT, file), 'utf8'))).filter((k) => k.startsWith('ASHBY_'));
    expect(used.length).toBeGreaterThan(0);
    for (const k of used) expect(known, k).toContain(k);
  });
});

describe('the example checker itself', () => {
  it('splits shell words and refuses an unknown flag', async () => {
    expect(words(`upload-harness load --threshold 'a:p(95)<3' --rate 5 && echo x`)).toEqual(['upload-harness', 'load', '--threshold', 'a:p(95)<3', '--rate', '5']);
    const { options } = await helpOptions('conform');
    expect(options['report-dir']).toMatchObject({ type: 'string' });
    expect(options.strict).toMatchObject({ type: 'boolean' });
    expect(() => parseArgs({ args: ['--no-such-flag'], options, strict: true })).toThrow();
    expect(() => parseLoadArgs(['--no-such-flag'], {})).toThrow(/no-such-flag/);
  });
});
