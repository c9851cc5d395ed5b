// `upload-harness load` flag validation (one clear UsageError per bad value, exit 2) and short node-engine
// runs against the small fake API (faults injected there); the done-when runs against the real mock
// live in load-mock.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoadArgs, runLoadWithReports } from '../src/cli/load.ts';
import { main } from '../src/cli.ts';
import { UsageError } from '../src/config/errors.ts';
import { startFakeApi, type FakeApi } from './fixtures/fake-k6-api.ts';

describe('load flags', () => {
  const bad = (args: string[], message: RegExp, env: NodeJS.ProcessEnv = {}) => {
    let err: unknown;
    try {
      parseLoadArgs(args, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  };

  it('defaults, env fallbacks and stages', () => {
    const c = parseLoadArgs([], { ASHBY_BASE_URL: 'http://127.0.0.1:9', ASHBY_API_KEY: 'k', ASHBY_JOB_POSTING_ID: 'jp' });
    expect(c).toMatchObject({ engine: 'auto', scenario: 'full-flow', rate: 10, durationMs: 30_000, target: 'http://127.0.0.1:9', apiKey: 'k', jobPostingId: 'jp', reportDir: 'reports/load', maxVUs: 20, maxStartDelayMs: 1000, allowRateShortfall: false });
    const r = parseLoadArgs(['--stages', '10s:50,30s:200', '--start-rate', '5'], {});
    expect(r).toMatchObject({ rate: undefined, startRate: 5, durationMs: 40_000, stages: [{ durationMs: 10_000, target: 50 }, { durationMs: 30_000, target: 200 }], maxVUs: 400 });
    // The default max VUs follows the peak rate, but never beyond 1000 (a limit a run can reach).
    expect(parseLoadArgs(['--rate', '1e3'], {}).maxVUs).toBe(1000);
    expect(parseLoadArgs(['--rate', '100001'], {}).maxVUs).toBe(1000);
    expect(parseLoadArgs(['--max-start-delay', '250ms', '--allow-rate-shortfall'], {})).toMatchObject({ maxStartDelayMs: 250, allowRateShortfall: true });
  });

  it('rejects each bad value with one line', () => {
    bad(['--engine', 'jmeter'], /--engine must be auto, k6 or node/);
    bad(['--scenario', 'everything'], /--scenario must be one of handle-create, upload, full-flow/);
    bad(['--rate', '0'], /--rate must be > 0, got 0/);
    bad(['--rate', '-1'], /--rate must be ≥ 0, got -1/);
    bad(['--duration', '-5s'], /--duration must be ≥ 0, got -5s/);
    bad(['--rate', '5', '--stages', '1s:5'], /either --rate .* or --stages/);
    bad(['--stages', '10s'], /must be duration:target/);
    bad(['--duration', 'soon'], /invalid duration "soon"/);
    bad(['--file-sizes', '1KiB:x'], /weight of "1KiB"/);
    bad(['--mix', 'resume:1,cv:1'], /unknown context "cv"/);
    bad(['--threshold', 'p95<3'], /must look like 'metric:expression'/);
    bad(['--max-regression', 'lots', '--baseline', 'x.json'], /--max-regression must be a number/);
    bad(['--max-regression', '5%'], /needs --baseline/);
    bad(['--target', 'ftp://x'], /http or https/);
    bad(['--target', 'nope'], /"mock" or an http\(s\) base URL/);
    bad(['--max-vus', '0'], /--max-vus must be ≥ 1, got 0/);
    bad(['--max-start-delay', 'soon'], /--max-start-delay: invalid duration "soon"/);
    bad(['--target', 'https://x.example', '--scenario', 'full-flow', '--mix', 'form:1'], /^the form context needs a job posting id$/);
    bad(['--execution-segment', 'half'], /--execution-segment must look like/);
    bad(['--engine', 'node', '--segments', '2'], /need the k6 engine/);
    bad(['--bogus'], /^Unknown option '--bogus'$/); // without node's advice about '--' positionals
    bad(['--mock-fault', 'random-5xx=2'], /--mock-fault: fault "random-5xx" rate must be between 0 and 1/);
    bad(['--mock-fault', 'latency=5', '--target', 'http://127.0.0.1:1'], /embedded mock only/);
  });

  it('refuses high rates against a non-local target unless acknowledged', () => {
    bad(['--target', 'https://api.ashbyhq.com', '--scenario', 'upload', '--rate', '50'], /refusing 50 it\/s against api\.ashbyhq\.com: above 20\/s .*--i-understand-this-hits-production/);
    bad(['--target', 'https://api.ashbyhq.com', '--scenario', 'upload', '--stages', '5s:10,5s:30'], /refusing 30 it\/s/);
    expect(parseLoadArgs(['--target', 'https://api.ashbyhq.com', '--scenario', 'upload', '--rate', '50', '--i-understand-this-hits-production'], {}).rate).toBe(50);
    expect(parseLoadArgs(['--target', 'https://api.ashbyhq.com', '--scenario', 'upload', '--rate', '20'], {}).rate).toBe(20);
  });

  it('the CLI maps a usage error to exit 2 and has --help with examples', async () => {
    expect(await main(['load', '--rate', 'fast'])).toBe(2);
    expect(await main(['load', '--help'])).toBe(0);
  });
});

describe('node engine against the fake API', () => {
  let api: FakeApi;
  let dir: string;
  beforeAll(async () => {
    api = await startFakeApi();
    dir = await mkdtemp(join(tmpdir(), 'uh-load-cli-'));
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  const run = (args: string[]) =>
    runLoadWithReports({ ...parseLoadArgs(['--engine', 'node', '--target', api.baseUrl, '--api-key', 'fake-key', '--job-posting-id', 'jp', ...args], {}), progress: null, log: () => {} });

  it('ramping stages run to the schedule and write the three reports', async () => {
    const out = await run(['--scenario', 'upload', '--stages', '1s:40,1s:40', '--file-sizes', '1KiB:3,64KiB:1', '--report-dir', join(dir, 'ramp'), '--threshold', 'iterations:count==60']);
    expect(out.exitCode).toBe(0);
    expect(out.results!.totals).toMatchObject({ iterations: 60, httpReqFailed: 0, droppedIterations: 0 });
    expect(out.results!.stages.upload!.count).toBe(60);
    expect(out.results!.stages.attach).toBeUndefined();
    for (const f of ['index.html', 'results.json', 'junit.xml']) expect((await readFile(join(dir, 'ramp', f), 'utf8')).length).toBeGreaterThan(100);
  });

  it('maxVUs bounds concurrency and the rest is counted as dropped', async () => {
    api.faults.latencyMs = 300;
    try {
      const out = await run(['--scenario', 'handle-create', '--rate', '40', '--duration', '1s', '--max-vus', '2', '--report-dir', join(dir, 'drop'), '--threshold', 'dropped_iterations:count==0']);
      expect(out.results!.totals.droppedIterations).toBeGreaterThan(20);
      expect(out.results!.totals.iterations + out.results!.totals.droppedIterations).toBe(40);
      expect(out.exitCode).toBe(99);
    } finally {
      api.faults.latencyMs = 0;
    }
  });

  it('server errors fail http_req_failed → 99, with the reason counted', async () => {
    api.faults.random5xx = 0.3;
    try {
      const out = await run(['--scenario', 'handle-create', '--rate', '50', '--duration', '1s', '--report-dir', join(dir, '5xx'), '--threshold', 'http_req_failed:rate<0.01']);
      expect(out.exitCode).toBe(99);
      expect(out.results!.errors['handle_create: HTTP 503']).toBeGreaterThan(0);
      const junit = await readFile(join(dir, '5xx', 'junit.xml'), 'utf8');
      expect(junit).toMatch(/<failure/);
    } finally {
      api.faults.random5xx = 0;
    }
  });

  it('a baseline regression fails the run (99)', async () => {
    const base = await run(['--scenario', 'handle-create', '--rate', '20', '--duration', '1s', '--report-dir', join(dir, 'base')]);
    expect(base.exitCode).toBe(0);
    api.faults.latencyMs = 40;
    try {
      const out = await run(['--scenario', 'handle-create', '--rate', '20', '--duration', '1s', '--report-dir', join(dir, 'slow'), '--baseline', join(dir, 'base', 'results.json'), '--max-regression', '10%']);
      expect(out.exitCode).toBe(99);
      expect(out.results!.baseline!.rows.find((r) => r.metric === 'handle_create p95 (ms)')!.regression).toBe(true);
    } finally {
      api.faults.latencyMs = 0;
    }
  });
});
