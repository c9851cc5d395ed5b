// action.yml (the composite GitHub Action) stays runnable: it parses, has the documented inputs, masks
// the keys, uploads the report folder whatever happened and fails the job by the CLI's exit code; and
// its run script really works — executed here with bash as the runner would (GITHUB_ACTION_PATH = this
// checkout, GITHUB_OUTPUT a file), once per mode, with exit codes 0, 99 and 2 passed on.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_NAMES } from '../src/cli.ts';
import { CONFORM_ENV } from '../src/conformance/config.ts';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'upload-harness-action-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const steps = action.runs.steps;
const runStep = steps.find((s) => s.id === 'run')!;
const KEY_INPUTS = { 'api-key': 'ASHBY_API_KEY', 'limited-api-key': 'ASHBY_LIMITED_API_KEY', 'other-org-api-key': 'ASHBY_OTHER_ORG_API_KEY' };

/** Runs the action's script with the env its step would get from these inputs. */
async function runScript(inputs: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string> }> {
  const outFile = join(WORK, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(outFile, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: outFile };
  for (const [name, expr] of Object.entries(runStep.env!)) {
    const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expr);
    env[name] = m ? (inputs[m[1]!] ?? action.inputs[m[1]!]!.default ?? '') : expr;
  }
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', runStep.run!], { cwd: WORK, env, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 }));
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    code = typeof e.code === 'number' ? e.code : -1;
    stdout = e.stdout ?? '';
  }
  const outputs = Object.fromEntries(readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
  return { code, stdout, outputs };
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['api-key', 'args', 'artifact-name', 'candidate-id', 'command', 'job-posting-id', 'limited-api-key', 'mode', 'node-version', 'other-org-api-key', 'report-dir', 'target'].sort());
    expect(action.inputs.mode!.description).toMatch(/conform \| load \| verify-client/);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'report-dir']);
  });

  it('passes the keys as ASHBY_* variables (never on a command line) and masks them', () => {
    for (const [input, envName] of Object.entries(KEY_INPUTS)) {
      expect(runStep.env![envName]).toBe(`\${{ inputs.${input} }}`);
      expect(action.inputs[input]!.description).toMatch(/secret/);
      expect(runStep.run).toContain(`"$${envName}"`);
    }
    for (const name of Object.keys(runStep.env!).filter((k) => k.startsWith('ASHBY_'))) expect(Object.values(CONFORM_ENV)).toContain(name);
    expect(runStep.run).not.toMatch(/\$\{\{/); // inputs only through env: no expression injected into the script
  });

  it('uploads the report folder as an artifact even after a failure, then fails the job by the exit code', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toMatch(/^always\(\)/);
    expect(upload.with!.path).toBe('${{ steps.run.outputs.report-dir }}');
    const last = steps.at(-1)!;
    expect(steps.indexOf(last)).toBeGreaterThan(steps.indexOf(upload));
    expect(last.if).toMatch(/always\(\) && steps\.run\.outputs\.exit-code != '0'/);
    expect(last.run).toMatch(/exit "\$\{UH_EXIT:-2\}"/);
  });

  it('calls only existing commands (verify-client once that command exists)', () => {
    const called = [...runStep.run!.matchAll(/^\s*(?:else eval ")?upload-harness ([a-z-]+)/gm)].map((m) => m[1]!);
    expect(called).toEqual(['conform', 'load', 'verify-client']);
    for (const c of called.filter((c) => c !== 'verify-client' || COMMAND_NAMES.includes('verify-client'))) expect(COMMAND_NAMES).toContain(c);
    expect(runStep.run).toMatch(/verify-client --report-dir .* -- \$UH_COMMAND/); // `verify-client [options] -- <command>`
  });

  it('mode conform: runs the suite against the mock, masks a given key, writes the report, exit 0', async () => {
    const r = await runScript({ mode: 'conform', args: '--only envelope', 'api-key': 'not-a-real-key-123', 'report-dir': join(WORK, 'conformance') });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('::add-mask::not-a-real-key-123');
    expect(r.outputs).toEqual({ 'exit-code': '0', 'report-dir': join(WORK, 'conformance') });
    expect(existsSync(join(WORK, 'conformance/results.json'))).toBe(true);
  });

  it('mode load: shell-quoted args reach the CLI; a failed threshold is exit code 99, defaults to reports/load', async () => {
    const r = await runScript({ mode: 'load', args: "--engine node --rate 5 --duration 1s --mock-fault random-5xx=1 --threshold 'http_req_failed:rate<0.01'" });
    expect(r.outputs).toEqual({ 'exit-code': '99', 'report-dir': 'reports/load' });
    expect(existsSync(join(WORK, 'reports/load/results.json'))).toBe(true);
  });

  it('a usage error is exit code 2 (an unknown flag; verify-client without a command; an unknown mode)', async () => {
    expect((await runScript({ mode: 'conform', args: '--no-such-flag', 'report-dir': join(WORK, 'x') })).outputs['exit-code']).toBe('2');
    expect((await runScript({ mode: 'verify-client' })).outputs).toEqual({ 'exit-code': '2', 'report-dir': 'reports/client' });
    expect((await runScript({ mode: 'nope' })).outputs['exit-code']).toBe('2');
  });
});
