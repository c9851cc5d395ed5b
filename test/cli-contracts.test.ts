// Contracts every command shares, declared once and proven the same from each side: the option tables
// (parser and --help generated from one table), `--target` rules, flag > environment > default, the
// production rate guard of load and k8s, and the UH_* variables load's k6 engine and k8s hand to k6.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_NAMES, type Command } from '../src/cli.ts';
import { parseCommandArgs } from '../src/cli/args.ts';
import { renderK8sManifest } from '../src/cli/k8s.ts';
import { parseLoadArgs } from '../src/cli/load.ts';
import { UsageError } from '../src/config/errors.ts';
import { resolveConformConfig } from '../src/conformance/config.ts';
import { k6Invocations, type K6RunOptions } from '../src/load/k6-engine.ts';
import { decodeK6Flow, decodeK6Schedule, K6_ENV } from '../scenarios/flows/index.ts';

const commands = async (): Promise<[string, Command][]> => Promise.all(COMMAND_NAMES.map(async (n) => [n, (await import(`../src/cli/${n}.ts`)).command as Command] as [string, Command]));

/** The message of the UsageError `fn` throws (sync or async); fails when it does not throw one. */
async function usageMessage(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

/** The env of the k8s TestRun's runner pods, name → value. */
async function k8sEnv(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const tr = parse((await renderK8sManifest(args, env)).split(/^---$/m)[1]!);
  return Object.fromEntries(tr.spec.runner.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
}

/** The -e variables load's k6 engine passes for a parsed load config. */
function loadK6Vars(args: string[]): Record<string, string> {
  const c = parseLoadArgs(args, {});
  const o: K6RunOptions = { ...c, baseUrl: c.target, apiKey: 'k', k6Thresholds: {}, segments: 1, dashboard: false, location: { kind: 'binary', path: 'k6' }, log: () => {} };
  const args2 = k6Invocations(o, 'bundle.js')[0]!.args;
  return Object.fromEntries(args2.flatMap((a, i) => (args2[i - 1] === '-e' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
}

describe('option tables', () => {
  it('every command has one, and its --help lists each option with its environment variable', async () => {
    for (const [name, cmd] of await commands()) {
      const entries = Object.entries(cmd.options);
      expect(entries.length, name).toBeGreaterThan(0);
      for (const [opt, def] of entries) {
        const line = cmd.help.split('\n').find((l) => new RegExp(`^  --${opt}(\\s|$)`).test(l));
        expect(line, `${name} --help lists --${opt}`).toBeDefined();
        if (def.env) expect(cmd.help, `${name} --${opt}`).toContain(`[${def.env}]`);
        if (def.value && def.type === 'string') expect(line, `${name} --${opt}`).toContain(`--${opt} ${def.value}`);
      }
    }
  });

  it('the parser accepts exactly the table: each option with its type, nothing else', async () => {
    for (const [name, cmd] of await commands()) {
      for (const [opt, def] of Object.entries(cmd.options)) {
        const { values } = parseCommandArgs(name, def.type === 'string' ? [`--${opt}`, 'x'] : [`--${opt}`], cmd.options, true);
        expect(values[opt], `${name} --${opt}`).toEqual(def.type === 'string' ? (def.multiple ? ['x'] : 'x') : true);
      }
      expect(() => parseCommandArgs(name, ['--not-in-the-table'], cmd.options, true)).toThrow(UsageError);
    }
  });
});

describe('--target: one set of rules for every command', () => {
  const cases = ['nope', 'ftp://x.example', 'https://user:pw@x.example', 'https://x.example/?a=1', 'https://x.example/#f'];
  it.each(cases)('%s is refused by conform, load and k8s with the same message', async (target) => {
    const conform = await usageMessage(() => resolveConformConfig({ target, 'api-key': 'k' }, {}));
    const load = await usageMessage(() => parseLoadArgs(['--target', target], {}));
    const k8s = await usageMessage(() => renderK8sManifest(['--target', target], {}));
    expect(load).toBe(conform);
    // k8s cannot use the mock, so its "expected" half differs for unparseable values only
    expect(k8s).toBe(target === 'nope' ? conform.replace('"mock" or an http(s) base URL', 'an http(s) base URL') : conform);
  });

  it('k8s refuses the mock, which its pods cannot reach', async () => {
    expect(await usageMessage(() => renderK8sManifest(['--target', 'mock'], {}))).toMatch(/--target must be an http\(s\) base URL, got "mock"/);
  });
});

describe('flag > environment > default, one rule', () => {
  it('load trims and ignores blank variables exactly as conform does', () => {
    const env = { ASHBY_BASE_URL: ' https://staging.example ', ASHBY_API_KEY: ' k ', ASHBY_JOB_POSTING_ID: ' jp-1 ' };
    const load = parseLoadArgs([], env);
    const conform = resolveConformConfig({}, env);
    expect(load).toMatchObject({ target: 'https://staging.example', apiKey: 'k', jobPostingId: 'jp-1' });
    expect(conform).toMatchObject({ apiKey: 'k', jobPostingId: 'jp-1' });
    expect(parseLoadArgs([], { ASHBY_BASE_URL: '  ', ASHBY_JOB_POSTING_ID: ' ' })).toMatchObject({ target: 'mock', jobPostingId: undefined });
    expect(parseLoadArgs(['--target', 'mock'], env).target).toBe('mock');
  });
});

describe('the production rate guard: one for load and k8s', () => {
  it('k8s refuses a rate over the cap against a real target exactly like load', async () => {
    const args = ['--target', 'https://api.ashbyhq.com', '--rate', '50'];
    const load = await usageMessage(() => parseLoadArgs(args, {}));
    expect(load).toMatch(/refusing 50 it\/s against api\.ashbyhq\.com/);
    expect(await usageMessage(() => renderK8sManifest(args, {}))).toBe(load);
    const posting = ['--job-posting-id', 'jp']; // the default mix has form attaches
    expect((await k8sEnv([...args, ...posting, '--i-understand-this-hits-production'])).UH_RATE).toBe('50');
    expect((await k8sEnv(['--target', 'https://api.ashbyhq.com', '--rate', '20', ...posting])).UH_RATE).toBe('20');
  });
});

describe('the UH_* contract: load, k8s and the bundles agree', () => {
  it('k8s passes the same workload variables as load for the same flags (and the same defaults)', async () => {
    for (const flags of [['--job-posting-id', 'jp'], ['--rate', '30', '--duration', '1m', '--file-sizes', '2KiB:1', '--mix', 'files:1', '--max-vus', '7', '--job-posting-id', 'jp']]) {
      const target = ['--target', 'http://127.0.0.1:9'];
      const k6 = loadK6Vars([...target, ...flags]);
      const pods = await k8sEnv([...target, ...flags]);
      for (const name of [K6_ENV.baseUrl, K6_ENV.rate, K6_ENV.duration, K6_ENV.maxVUs, K6_ENV.fileSizes, K6_ENV.mix, K6_ENV.jobPostingId, K6_ENV.thresholds]) {
        expect(pods[name], `${name} for ${flags.join(' ') || 'defaults'}`).toBe(k6[name]);
      }
    }
  });

  it('a bundle given no workload variables decodes load defaults', () => {
    const load = parseLoadArgs([], {});
    const flow = decodeK6Flow({ [K6_ENV.baseUrl]: 'http://x', [K6_ENV.apiKey]: 'k' });
    expect(flow).toMatchObject({ fileSizes: load.fileSizes, mix: load.mix });
    expect(decodeK6Schedule({})).toMatchObject({ kind: 'constant', rate: load.rate, duration: '30s', maxVUs: load.maxVUs });
    expect(() => decodeK6Flow({})).toThrow(/UH_BASE_URL is required/);
  });
});
