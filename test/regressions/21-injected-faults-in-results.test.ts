// Regression: `load --mock-fault random-5xx=0.1` answered 503s, but the fault appeared nowhere
// in results.json, the HTML or JUnit: the report read as if the target had failed. Every fault the
// embedded mock injects — from --mock-fault, or switched through its control API during the run — is
// now part of the results (with its source and when it was active), a banner in the HTML, a property in
// JUnit and a line in the console.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseLoadArgs, runLoadWithReports } from '../../src/cli/load.ts';
import { MockControlClient } from '../../src/mock/control-client.ts';
import type { LoadResults } from '../../src/results/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-21-faults-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('a --mock-fault and a fault switched on during the run are in results.json, HTML, JUnit and the console', async () => {
  const lines: string[] = [];
  let switched: Promise<void> | undefined;
  const log = (line: string) => {
    lines.push(line);
    const mock = /^target: embedded mock at (\S+)/.exec(line)?.[1];
    // Half a second into the run, latency=5 is switched on through the mock's control API.
    if (mock) switched = new Promise((r) => setTimeout(r, 500)).then(() => new MockControlClient(mock).setFaults(['random-5xx=0.1', 'latency=5']));
  };
  const args = ['--engine', 'node', '--target', 'mock', '--scenario', 'handle-create', '--rate', '20', '--duration', '1500ms', '--mock-fault', 'random-5xx=0.1', '--report-dir', dir];
  const outcome = await runLoadWithReports({ ...parseLoadArgs(args, {}), progress: null, log });
  await switched;
  const results = JSON.parse(await readFile(outcome.paths!.json, 'utf8')) as LoadResults;
  expect(results.faults).toEqual([
    { spec: 'random-5xx=0.1', source: 'mock-fault', fromMs: 0, untilMs: null },
    { spec: 'latency=5', source: 'control-api', fromMs: expect.any(Number), untilMs: null },
  ]);
  expect(results.faults[1]!.fromMs).toBeGreaterThan(200);
  expect(results.faults[1]!.fromMs).toBeLessThan(1500);
  expect(lines).toContain("injected fault: random-5xx=0.1 (--mock-fault, whole run): errors it caused are the mock's, not the target's");
  const html = await readFile(outcome.paths!.html, 'utf8');
  expect(html).toMatch(/<div class="banner" role="note"><strong>Injected faults:<\/strong> <code>random-5xx=0.1 \(--mock-fault, whole run\)<\/code>, <code>latency=5 \(set through the mock&#39;s control API, from \d\.\d s\)<\/code>/);
  const junit = await readFile(outcome.paths!.junit, 'utf8');
  expect(junit).toContain('<property name="injected-fault" value="random-5xx=0.1 (--mock-fault, whole run)"/>');
  expect(junit).toMatch(/<property name="injected-fault" value="latency=5 \(set through the mock&apos;s control API, from \d\.\d s\)"\/>/);
}, 30_000);

it('a run without faults says none', async () => {
  const args = ['--engine', 'node', '--target', 'mock', '--scenario', 'handle-create', '--rate', '20', '--duration', '200ms', '--report-dir', join(dir, 'clean')];
  const outcome = await runLoadWithReports({ ...parseLoadArgs(args, {}), progress: null, log: () => {} });
  expect(outcome.results!.faults).toEqual([]);
  expect(await readFile(outcome.paths!.html, 'utf8')).not.toContain('Injected faults');
});
