// The k6 bundles: built as k6 needs them (imports only k6 modules, no Node built-ins), and their
// iteration functions really run — in Node, through a test double of the k6 modules — so every
// request a k6 VU would send is sent to a server that checks it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFileSizeMix } from '../scenarios/flows/index.ts';
import { parseLoadArgs } from '../src/cli/load.ts';
import { buildK6Bundles } from '../src/load/build.ts';
import { registry } from './fixtures/fake-k6/registry.ts';
import { startFakeApi, type FakeApi } from './fixtures/fake-k6-api.ts';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/fake-k6/${f}`, import.meta.url));

let dir: string;
let real: Record<string, string>;
let doubled: Record<string, string>;
let api: FakeApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-k6-bundles-'));
  real = await buildK6Bundles({ outDir: join(dir, 'k6') });
  doubled = await buildK6Bundles({
    outDir: join(dir, 'double'),
    alias: { k6: fixture('k6.ts'), 'k6/http': fixture('http.ts'), 'k6/metrics': fixture('metrics.ts'), 'k6/execution': fixture('execution.ts') },
  });
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('k6 bundles', () => {
  it('import nothing but k6 modules and use no Node built-ins', async () => {
    for (const file of Object.values(real)) {
      const js = await readFile(file, 'utf8');
      const imports = [...js.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm), ...js.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g), ...js.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
      expect(imports.length).toBeGreaterThan(0);
      for (const spec of imports) expect(spec === 'k6' || spec.startsWith('k6/'), `${file} imports ${spec}`).toBe(true);
      expect(js).not.toMatch(/\bnode:|\bBuffer\b|\bprocess\.|\bTextEncoder\b|\b__require\b/);
      expect(js).toMatch(/export\s*\{[^}]*handleSummary/);
      expect(js).toMatch(/export\s*\{[^}]*options/);
    }
  });

  it('run their iterations in Node against a server through the k6 double', async () => {
    const g = globalThis as unknown as { __ENV: Record<string, string>; __VU: number };
    g.__ENV = { UH_BASE_URL: api.baseUrl, UH_API_KEY: 'fake-key', UH_RATE: '5', UH_DURATION: '1s', UH_MAX_VUS: '3', UH_FILE_SIZES: '1KiB:1,2KiB:1', UH_MIX: 'resume:1,files:1,form:1', UH_JOB_POSTING_ID: 'jp-1', UH_THRESHOLDS: '{"checks":["rate>0.99"]}', UH_SUMMARY: join(dir, 'summary.json') };
    g.__VU = 1;
    const mod = (await import(pathToFileURL(doubled['full-flow']!).href)) as { default: () => Promise<void>; options: Record<string, any>; handleSummary: (d: unknown) => Record<string, string> };
    expect(mod.options.scenarios.full_flow).toMatchObject({ executor: 'constant-arrival-rate', rate: 5, timeUnit: '1s', duration: '1s', maxVUs: 3 });
    expect(mod.options.thresholds).toEqual({ checks: ['rate>0.99'] });
    for (let i = 0; i < 6; i++) await mod.default();
    expect(api.calls['file.createFileUploadHandle']).toBe(6);
    expect(api.uploadsBytes).toHaveLength(6); // exact content-length, file last, trailer present
    expect(api.calls['candidate.create']).toBe(1); // once per VU
    expect((api.calls['candidate.uploadResume'] ?? 0) + (api.calls['candidate.uploadFile'] ?? 0) + (api.calls['applicationForm.submit'] ?? 0)).toBe(6);
    expect(registry.checks.every((c) => c.ok)).toBe(true);
    const trends = new Set(registry.samples.map((s) => s.metric));
    for (const m of ['handle_create_duration', 'upload_duration', 'attach_duration', 'flow_success']) expect(trends).toContain(m);
    // presigned URLs are tagged with a fixed name, never the URL
    const uploads = registry.requests.filter((r) => r.tags.stage === 'upload');
    expect(new Set(uploads.map((r) => r.tags.name))).toEqual(new Set(['presigned_upload']));
    expect(mod.handleSummary({ metrics: {} })).toHaveProperty(join(dir, 'summary.json'));
  });

  it('send every request a VU would send to the real mock, and the mock accepts them all', async () => {
    const { startMockServer, DEFAULT_JOB_POSTING_ID } = await import('../src/mock/index.ts');
    const storageDir = join(dir, 'mock-storage');
    const mock = await startMockServer({ port: 0, storageDir });
    try {
      const g = globalThis as unknown as { __ENV: Record<string, string>; __VU: number };
      g.__ENV = { UH_BASE_URL: mock.baseUrl, UH_API_KEY: 'mock-full-access', UH_FILE_SIZES: '1KiB:1,300KiB:1', UH_MIX: 'resume:1,files:1,form:1', UH_JOB_POSTING_ID: DEFAULT_JOB_POSTING_ID };
      g.__VU = 2;
      registry.checks.length = 0;
      registry.requests.length = 0;
      const mod = (await import(`${pathToFileURL(doubled['full-flow']!).href}?mock`)) as { default: () => Promise<void> };
      for (let i = 0; i < 6; i++) await mod.default();
      expect(registry.requests.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([]);
      expect(registry.requests.filter((r) => r.tags.stage === 'attach')).toHaveLength(6);
      expect(registry.checks.filter((c) => !c.ok)).toEqual([]);
      expect(registry.checks.length).toBe(6 * 3 + 1); // 3 stages per iteration + the candidate, once
    } finally {
      await mock.close();
    }
  });

  it('without workload variables a bundle runs the same workload as `upload-harness load`', async () => {
    const defaults = parseLoadArgs(['--rate', '40'], {});
    const g = globalThis as unknown as { __ENV: Record<string, string>; __VU: number };
    g.__ENV = { UH_BASE_URL: api.baseUrl, UH_API_KEY: 'fake-key', UH_RATE: '40' };
    g.__VU = 3;
    registry.requests.length = 0;
    const mod = (await import(`${pathToFileURL(doubled['handle-create']!).href}?defaults`)) as { default: () => Promise<void>; options: Record<string, any> };
    expect(mod.options.scenarios.handle_create).toMatchObject({ executor: 'constant-arrival-rate', rate: 40, duration: '30s', maxVUs: defaults.maxVUs, preAllocatedVUs: 20 });
    // load's default file-size mix has three sizes (1KiB, 256KiB, 5MiB): ten iterations ask for all three
    for (let i = 0; i < 10; i++) await mod.default();
    const handles = registry.requests.filter((r) => r.tags.stage === 'handle_create');
    expect(handles).toHaveLength(10);
    expect(new Set(handles.map((r) => r.bodyBytes)).size).toBe(parseFileSizeMix(defaults.fileSizes).length);
  });

  it('ramping stages become a ramping-arrival-rate scenario', async () => {
    const g = globalThis as unknown as { __ENV: Record<string, string> };
    g.__ENV = { UH_STAGES: JSON.stringify([{ durationMs: 10_000, target: 50 }]), UH_START_RATE: '5', UH_MAX_VUS: '9' };
    const mod = (await import(`${pathToFileURL(doubled['handle-create']!).href}?ramp`)) as { options: Record<string, any> };
    expect(mod.options.scenarios.handle_create).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 5, stages: [{ duration: '10000ms', target: 50 }], maxVUs: 9 });
  });

  it('a fractional rate reaches k6 as an integer per time unit (k6 takes integer rates); bad settings stop it at start', async () => {
    const g = globalThis as unknown as { __ENV: Record<string, string> };
    g.__ENV = { UH_RATE: '2.5', UH_DURATION: '2000ms' };
    const mod = (await import(`${pathToFileURL(doubled['handle-create']!).href}?fraction`)) as { options: Record<string, any> };
    expect(mod.options.scenarios.handle_create).toMatchObject({ executor: 'constant-arrival-rate', rate: 2500, timeUnit: '1000s', duration: '2000ms' });
    // The same check and message as `load`/`k8s`: here at the bundle's start, not in every iteration.
    g.__ENV = { UH_MIX: 'resume:1,form:1' };
    await expect(import(`${pathToFileURL(doubled['full-flow']!).href}?noposting`)).rejects.toThrow('the form context needs a job posting id');
  });
});
