// The compiled k6 bundles run in a k6-like realm: a bare node:vm context with only the
// ECMAScript built-ins plus what k6 provides (test/fixtures/k6-realm.ts), the k6 modules being the test
// double. A bundle using Buffer, TextEncoder, URL, fetch, structuredClone or any Node global fails
// here (planted bundles prove it), and the bundles' syntax is pinned to the level k6 >= 1.0 documents.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildK6Bundles, K6_JS_TARGET, MIN_K6_VERSION } from '../src/load/build.ts';
import { startFakeApi, type FakeApi } from './fixtures/fake-k6-api.ts';
import * as k6 from './fixtures/fake-k6/k6.ts';
import * as k6Execution from './fixtures/fake-k6/execution.ts';
import * as k6Http from './fixtures/fake-k6/http.ts';
import * as k6Metrics from './fixtures/fake-k6/metrics.ts';
import { registry } from './fixtures/fake-k6/registry.ts';
import { createK6Realm, K6_GLOBALS, NOT_IN_K6 } from './fixtures/k6-realm.ts';

const K6_MODULES = { k6, 'k6/http': k6Http, 'k6/metrics': k6Metrics, 'k6/execution': k6Execution };
let dir: string;
let bundles: Record<string, string>;
let api: FakeApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-k6-realm-'));
  bundles = await buildK6Bundles({ outDir: join(dir, 'k6') }); // the real bundles, k6 left as imports
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

const ENV = (summary: string) => ({ UH_BASE_URL: api.baseUrl, UH_API_KEY: 'fake-key', UH_RATE: '5', UH_DURATION: '1s', UH_MAX_VUS: '3', UH_FILE_SIZES: '1KiB:1,2KiB:1', UH_MIX: 'resume:1,files:1,form:1', UH_JOB_POSTING_ID: 'jp-1', UH_THRESHOLDS: '{"checks":["rate>0.99"]}', UH_SUMMARY: summary });

/** The same ESM source run as a plain Node module would be: how the bundles were checked before. */
async function runInNode(source: string): Promise<unknown> {
  const mod = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as { default: () => unknown };
  return mod.default();
}

describe('the k6-like realm', () => {
  it('offers the ECMAScript built-ins and k6\'s globals, and none of Node\'s', () => {
    const realm = createK6Realm({});
    const fresh = new Set(vm.runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]);
    const nodeOnly = Object.getOwnPropertyNames(globalThis).filter((n) => !fresh.has(n));
    for (const n of ['Buffer', 'process', 'TextEncoder', 'TextDecoder', 'URL', 'fetch', 'structuredClone', 'queueMicrotask', 'setImmediate', 'performance', 'crypto']) expect(nodeOnly).toContain(n);
    const leaked = [...nodeOnly, ...NOT_IN_K6].filter((n) => !(K6_GLOBALS as readonly string[]).includes(n) && realm.evaluate(`typeof globalThis[${JSON.stringify(n)}]`) !== 'undefined');
    expect(leaked).toEqual([]);
    for (const n of K6_GLOBALS) expect(realm.evaluate(`typeof ${n}`), n).not.toBe('undefined');
    expect(realm.evaluate('typeof Promise.resolve().then')).toBe('function');
  });

  it('bites: planted bundles using Node or web globals pass in Node and fail in the realm', async () => {
    const planted: Record<string, string> = {
      Buffer: `return Buffer.from('x').length;`,
      TextEncoder: `return new TextEncoder().encode('x').length;`,
      URL: `return new URL('http://127.0.0.1/a').pathname;`,
      fetch: `return typeof fetch('data:,x').then;`,
      structuredClone: `return structuredClone({ a: 1 }).a;`,
      process: `return process.env.HOME === undefined ? 0 : 1;`,
      setImmediate: `return typeof setImmediate(() => {});`,
      Intl: `return new Intl.NumberFormat('en').format(1);`,
    };
    for (const [name, body] of Object.entries(planted)) {
      const source = `import http from 'k6/http';\nexport default function () { void http; ${body} }\n`;
      await expect(runInNode(source.replace(/^import .*\n/, '').replace('void http; ', '')), name).resolves.toBeDefined();
      const realm = createK6Realm({});
      const mod = await realm.load(source, `planted-${name}.js`, K6_MODULES);
      expect(() => mod.default(), name).toThrow(new RegExp(`${name} is not defined`));
    }
    // …and a bundle importing anything but a k6 module is refused, as k6 would not find it.
    await expect(createK6Realm({}).load(`import { readFileSync } from 'node:fs';\nexport default () => readFileSync;\n`, 'planted-fs.js', K6_MODULES)).rejects.toThrow(/imports "node:fs": not a k6 module/);
  });
});

describe('the compiled bundles in the realm', () => {
  it('full-flow: options from __ENV, iterations sent through the k6 double and accepted by the server', async () => {
    const summary = join(dir, 'summary.json');
    const realm = createK6Realm(ENV(summary), 1);
    const calls = { ...api.calls };
    registry.checks.length = 0;
    registry.requests.length = 0;
    const mod = await realm.load(await readFile(bundles['full-flow']!, 'utf8'), 'full-flow.js', K6_MODULES);
    expect(mod.options.scenarios.full_flow).toMatchObject({ executor: 'constant-arrival-rate', rate: 5, timeUnit: '1s', duration: '1s', maxVUs: 3 });
    expect(mod.options.thresholds).toEqual({ checks: ['rate>0.99'] });
    for (let i = 0; i < 6; i++) {
      realm.setIteration(i);
      await mod.default();
    }
    const delta = (k: string) => (api.calls[k] ?? 0) - (calls[k] ?? 0);
    expect(delta('file.createFileUploadHandle')).toBe(6);
    expect(delta('upload')).toBe(6);
    expect(delta('candidate.create')).toBe(1); // once per VU
    expect(delta('candidate.uploadResume') + delta('candidate.uploadFile') + delta('applicationForm.submit')).toBe(6);
    expect(registry.requests.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([]);
    expect(registry.checks.filter((c) => !c.ok)).toEqual([]);
    expect(mod.handleSummary({ metrics: {} })).toHaveProperty(summary);
    expect(realm.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('handle-create and upload run too', async () => {
    for (const scenario of ['handle-create', 'upload'] as const) {
      const realm = createK6Realm(ENV(join(dir, `${scenario}.json`)), 2);
      registry.checks.length = 0;
      const mod = await realm.load(await readFile(bundles[scenario]!, 'utf8'), `${scenario}.js`, K6_MODULES);
      for (let i = 0; i < 3; i++) await mod.default();
      expect(registry.checks.length, scenario).toBeGreaterThanOrEqual(3);
      expect(registry.checks.filter((c) => !c.ok), scenario).toEqual([]);
    }
  });

  it('use no syntax above ES2015, the level k6 >= 1.0 documents ("ES6+")', async () => {
    // docs/decisions/0037-k6-bundle-target-and-minimum-version.md
    expect(K6_JS_TARGET).toBe('es2015');
    expect(MIN_K6_VERSION).toBe('1.0.0');
    // Lowering to ES2015 changes nothing iff nothing newer is present.
    const lowered = async (code: string) => (await transform(code, { format: 'esm', target: 'es2015' })).code;
    const reprinted = async (code: string) => (await transform(code, { format: 'esm', target: 'esnext' })).code;
    for (const [name, file] of Object.entries(bundles)) {
      const code = await readFile(file, 'utf8');
      expect(await lowered(code), name).toBe(await reprinted(code));
    }
    // The check bites: ES2020 optional chaining and ES2017 async functions would be lowered.
    for (const newer of ['export const f = (a) => a?.b;\n', 'export async function f() { await 1; }\n']) expect(await lowered(newer)).not.toBe(await reprinted(newer));
  });
});
