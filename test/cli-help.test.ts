// Every command's --help prints its usage and at least one example; conform and load print no ANSI
// escape codes when stdout is not a terminal (CI logs stay clean), nor in a terminal with NO_COLOR set.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, main } from '../src/cli.ts';
import { useColour } from '../src/conformance/reporter.ts';
import { runCli, runCliInTerminal } from './support/cli.ts';

// eslint-disable-next-line no-control-regex -- ESC is what it looks for
const ANSI = /\x1b\[/;

async function captureHelp(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
  try {
    const code = await main(argv);
    return { code, out: lines.join('\n') };
  } finally {
    log.mockRestore();
  }
}

describe('--help', () => {
  it('the top-level usage lists every command', async () => {
    const { code, out } = await captureHelp(['--help']);
    expect(code).toBe(0);
    for (const name of COMMAND_NAMES) expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(COMMAND_NAMES)('%s --help prints usage and at least one example line', async (name) => {
    const { code, out } = await captureHelp([name, '--help']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(new RegExp(`^upload-harness ${name}\\b`));
    const examples = out.split(/^Examples?:$/m)[1];
    expect(examples, `${name} --help has no "Example(s):" section`).toBeDefined();
    expect(examples!).toMatch(new RegExp(`^\\s+(\\S+=\\S+ )?upload-harness ${name}\\b`, 'm'));
    expect(out).not.toMatch(ANSI);
  });

  it('-h works like --help', async () => {
    expect((await captureHelp(['load', '-h'])).out).toBe((await captureHelp(['load', '--help'])).out);
  });
});

describe('no colour when piped or NO_COLOR', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'upload-harness-nocolour-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('useColour: only a TTY without NO_COLOR or TERM=dumb', () => {
    expect(useColour({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(useColour({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ write: () => true, isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(useColour({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(useColour({ write: () => true }, {})).toBe(false);
  });

  const conformArgs = (name: string) => ['conform', '--only', 'envelope,validation', '--report-dir', join(dir, name)];
  // --allow-rate-shortfall: this run is about its output, not the rate; a loaded machine may not hold even
  // 5/s, which is reported (rate not held) rather than failed here (the rate has its own tests).
  const loadArgs = (name: string) => ['load', '--engine', 'node', '--allow-rate-shortfall', '--scenario', 'handle-create', '--rate', '5', '--duration', '1s', '--report-dir', join(dir, name)];
  const env = (noColour: boolean) => ({ FORCE_COLOR: undefined, NO_COLOR: noColour ? '1' : undefined, TERM: 'xterm-256color' });

  // stdout and stderr are pipes here: not being a terminal alone must suffice.
  it('conform against the mock, piped: no ANSI codes', async () => {
    const { code, stdout, stderr } = await runCli(conformArgs('c-piped'), { env: env(false) });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/PASSED/);
    expect(stdout).not.toMatch(ANSI);
    expect(stderr).not.toMatch(ANSI);
  });

  it('load against the mock, piped: no ANSI codes', async () => {
    const { code, stdout, stderr } = await runCli(loadArgs('l-piped'), { env: env(false) });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout + stderr).toMatch(/iterations \d+/);
    expect(stdout).not.toMatch(ANSI);
    expect(stderr).not.toMatch(ANSI);
  });

  // In a terminal (runCliInTerminal): colour and the progress line's redraw without
  // NO_COLOR — so the check below can fail — and none with it. In a pipe NO_COLOR could not be told apart.
  for (const [command, args, done] of [['conform', conformArgs, /PASSED/], ['load', loadArgs, /iterations \d+/]] as const) {
    it(`${command} in a terminal: ANSI codes, and none with NO_COLOR=1`, async () => {
      const coloured = await runCliInTerminal(args(`${command}-tty`), env(false));
      const plain = await runCliInTerminal(args(`${command}-tty-nocolor`), env(true));
      for (const r of [coloured, plain]) {
        expect(r.code, r.output).toBe(0);
        expect(r.output).toMatch(done);
      }
      expect(coloured.output).toMatch(ANSI);
      expect(plain.output).not.toMatch(ANSI);
    });
  }
});
