// The k6 engine end to end with a FAKE k6 executable (test/fixtures/fake-k6-bin.mjs): the arguments and
// environment the runner passes are checked by the fake, and its k6-shaped outputs (NDJSON points and
// the handleSummary file) are parsed into the same results JSON the node engine writes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseLoadArgs, runLoadWithReports } from '../src/cli/load.ts';
import { renderK8sManifest } from '../src/cli/k8s.ts';
import { findK6, segmentPlan } from '../src/load/k6-engine.ts';
import { chooseEngine } from '../src/load/run.ts';
import { startFakeApi, type FakeApi } from './fixtures/fake-k6-api.ts';

const FAKE_K6 = fileURLToPath(new URL('./fixtures/fake-k6-bin.mjs', import.meta.url));
let dir: string;
let api: FakeApi;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-k6-engine-'));
  api = await startFakeApi();
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const k of ['K6_BIN', 'FAKE_K6_RECORD', 'FAKE_K6_EXIT', 'FAKE_K6_FAIL_EVERY', 'FAKE_K6_DROPPED', 'FAKE_K6_MISSING', 'FAKE_K6_VUS_WARNING']) if (saved[k] === undefined) delete process.env[k];
});

async function run(args: string[], sub: string) {
  process.env.K6_BIN = FAKE_K6;
  process.env.FAKE_K6_RECORD = join(dir, `${sub}.record.ndjson`);
  const lines: string[] = [];
  const config = { ...parseLoadArgs(['--engine', 'k6', '--target', api.baseUrl, '--api-key', 'fake-key', '--report-dir', join(dir, sub), ...args], {}), log: (l: string) => lines.push(l) };
  const outcome = await runLoadWithReports(config);
  const records = (await readFile(process.env.FAKE_K6_RECORD, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { outcome, records, lines };
}

describe('k6 engine with a fake k6', () => {
  it('finds k6 through K6_BIN or PATH, and auto says which engine it chose', () => {
    expect(findK6({ K6_BIN: FAKE_K6 })?.path).toBe(FAKE_K6);
    expect(findK6({ PATH: '/nonexistent' })).toBeUndefined();
    expect(chooseEngine({ engine: 'auto', k6Docker: false }, { PATH: '/nonexistent' })).toMatchObject({ engine: 'node', why: expect.stringMatching(/k6 not found/) });
    expect(chooseEngine({ engine: 'auto', k6Docker: false }, { K6_BIN: FAKE_K6 })).toMatchObject({ engine: 'k6' });
    expect(() => chooseEngine({ engine: 'k6', k6Docker: false }, { PATH: '/nonexistent' })).toThrow(/k6 was not found/);
  });

  it('passes target/options via -e, the key via env, and parses the outputs into the results JSON', async () => {
    const { outcome, records } = await run(['--scenario', 'handle-create', '--rate', '20', '--duration', '5s', '--threshold', 'handle_create_duration:p(95)<100', '--threshold', 'iterations:count==100'], 'single');
    expect(records).toHaveLength(1);
    const rec = records[0];
    expect(rec.args.slice(0, 3)).toEqual(['run', '--no-usage-report', '--quiet']);
    expect(rec.vars).toMatchObject({ UH_BASE_URL: api.baseUrl, UH_RATE: '20', UH_DURATION: '5000ms', UH_THRESHOLDS: JSON.stringify({ handle_create_duration: ['p(95)<100'], iterations: ['count==100'] }) });
    expect(rec.args.at(-1)).toMatch(/dist\/k6\/handle-create\.js$/);
    const r = outcome.results!;
    expect(outcome.exitCode).toBe(0);
    expect(r.engine).toBe('k6');
    expect(r.totals).toMatchObject({ iterations: 100, iterationsFailed: 0, httpReqs: 100, checksPassed: 100, bytesSent: 12_000, bytesReceived: 30_000 });
    expect(r.stages.handle_create!.latencyMs).toMatchObject({ min: 10, max: 29 });
    expect(r.series.length).toBeGreaterThanOrEqual(5);
    expect(r.series.reduce((a, s) => a + s.completed, 0)).toBe(100);
    expect(r.thresholds.every((t) => t.ok)).toBe(true);
    expect(r.run.k6TestRunDurationMs).toEqual([5000]); // read from the handleSummary output
    const onDisk = JSON.parse(await readFile(join(dir, 'single', 'results.json'), 'utf8'));
    expect(onDisk.kind).toBe('upload-harness/load-results');
  });

  it('failed checks in k6 output fail a checks threshold → 99', async () => {
    process.env.FAKE_K6_FAIL_EVERY = '10';
    process.env.FAKE_K6_DROPPED = '3';
    process.env.FAKE_K6_EXIT = '99';
    const { outcome } = await run(['--scenario', 'handle-create', '--rate', '10', '--duration', '2s', '--threshold', 'checks:rate>0.99', '--threshold', 'dropped_iterations:count==0'], 'fail');
    expect(outcome.exitCode).toBe(99);
    expect(outcome.results!.totals).toMatchObject({ iterations: 20, iterationsFailed: 2, droppedIterations: 3, checksFailed: 2 });
    expect(outcome.results!.run.k6ExitCode).toBe(99);
    expect(outcome.results!.thresholds.map((t) => t.ok)).toEqual([false, false]);
  });

  it('the rate record from what k6 gives (dropped_iterations, its VU warning, vus); what it cannot give is said, not invented', async () => {
    process.env.FAKE_K6_DROPPED = '3';
    process.env.FAKE_K6_MISSING = '4';
    process.env.FAKE_K6_VUS_WARNING = '1';
    const { outcome, lines } = await run(['--scenario', 'handle-create', '--rate', '10', '--duration', '2s', '--allow-rate-shortfall'], 'rate');
    const r = outcome.results!.rate;
    // 20 scheduled: 16 ran, 3 dropped for lack of a VU (k6's count), 1 neither (k6 fell behind and its duration ended).
    expect(r).toMatchObject({ scheduled: 20, started: 16, dropped: { maxVUs: 3, notStarted: 1 }, held: false, allowShortfall: true });
    expect(r.maxVUs).toEqual({ limit: 20, peak: 2, exhausted: true, warning: 'Insufficient VUs, reached 2 active VUs and cannot initialize more' });
    expect(r.late).toBeUndefined();
    expect(r.startDelay).toBeUndefined();
    expect(r.generator).toBeUndefined();
    expect(r.notMeasured).toEqual([expect.stringMatching(/^late iterations and start delays: k6 reports no iteration/), expect.stringMatching(/^generator saturation: k6 runs in its own process/)]);
    expect(outcome.results!.series.every((s) => s.late === undefined)).toBe(true);
    expect(outcome.exitCode).toBe(0); // --allow-rate-shortfall: reported, not failed
    expect(lines.join('\n')).toMatch(/RATE NOT HELD \(allowed by --allow-rate-shortfall\).*late: not measured/);
    expect(lines.join('\n')).toMatch(/maxVUs \(20\) exhausted: 3 iterations found every VU busy \(k6: Insufficient VUs/);
  });

  it('a crashing k6 is a harness error, never success', async () => {
    process.env.FAKE_K6_EXIT = '107';
    process.env.K6_BIN = FAKE_K6;
    await expect(run(['--scenario', 'upload', '--rate', '1', '--duration', '1s'], 'crash')).rejects.toThrow(/k6 exited with code 107/);
  });

  it('--segments N runs N processes with execution segments and instance tags, merged exactly', async () => {
    const { outcome, records } = await run(['--scenario', 'handle-create', '--rate', '30', '--duration', '2s', '--segments', '3'], 'segments');
    expect(records).toHaveLength(3);
    const seq = segmentPlan(3);
    expect(seq).toEqual({ sequence: '0,1/3,2/3,1', segments: ['0:1/3', '1/3:2/3', '2/3:1'] });
    expect(records.map((r) => r.segment).sort()).toEqual(seq.segments.slice().sort());
    expect(records.map((r) => r.tags.instance_id).sort()).toEqual(['0', '1', '2']);
    expect(outcome.results!.totals.iterations).toBe(60);
    expect(outcome.results!.run.instances).toEqual(['0', '1', '2']);
  });

  it('--print-commands prints one command per segment without the API key', async () => {
    process.env.K6_BIN = FAKE_K6;
    const config = { ...parseLoadArgs(['--engine', 'k6', '--scenario', 'handle-create', '--target', api.baseUrl, '--api-key', 'secret-key-123', '--segments', '2', '--print-commands', '--report-dir', join(dir, 'print')], {}), log: () => {} };
    const outcome = await runLoadWithReports(config);
    expect(outcome.commands).toHaveLength(2);
    expect(outcome.commands!.join('\n')).not.toContain('secret-key-123');
    expect(outcome.commands![0]).toMatch(/UH_API_KEY="\$ASHBY_API_KEY" .*fake-k6-bin\.mjs run --no-usage-report --quiet --out json=.* --execution-segment 0:1\/2 --execution-segment-sequence 0,1\/2,1 --tag instance_id=0/);
  });
});

describe('k8s manifest', () => {
  it('prints a ConfigMap with the compiled script and a k6-operator TestRun', async () => {
    const text = await renderK8sManifest(['--scenario', 'upload', '--parallelism', '4', '--target', 'https://staging.example', '--rate', '40', '--threshold', 'checks:rate>0.99', '--i-understand-this-hits-production'], {});
    const [cm, tr] = text.split(/^---$/m).map((d) => parse(d));
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'upload-harness-upload' } });
    expect(cm.data['upload.js']).toMatch(/from "k6\/http"/);
    expect(tr).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', spec: { parallelism: 4, script: { configMap: { name: 'upload-harness-upload', file: 'upload.js' } } } });
    const env = Object.fromEntries(tr.spec.runner.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ UH_BASE_URL: 'https://staging.example', UH_RATE: '40', UH_THRESHOLDS: '{"checks":["rate>0.99"]}', UH_API_KEY: { secretKeyRef: { name: 'upload-harness', key: 'api-key' } } });
    await expect(renderK8sManifest(['--parallelism', '0', '--target', 'https://x'], {})).rejects.toThrow(/--parallelism must be ≥ 1, got 0/);
    await expect(renderK8sManifest([], {})).rejects.toThrow(/--target/);
  });
});
