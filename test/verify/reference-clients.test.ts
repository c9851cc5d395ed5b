// The reference clients in examples/clients/ — Node fetch + FormData, curl, an HTML form in headless
// Chromium — pass the strict rules and the whole robustness profile with zero false violations.
// REFERENCE_CLIENT_RUNS (default 1) repeats each robustness run; the 20 runs are
// `REFERENCE_CLIENT_RUNS=20 npx vitest run test/verify/reference-clients.test.ts` (about 20 × 25 s).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserServer } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROBUSTNESS_FAULT_NAMES } from '../../src/verify/robustness.ts';
import { CHROMIUM, launchChromiumServer } from '../support/browser.ts';
import { brokenRules, runClient } from './run-client.ts';

const CLIENTS = join(import.meta.dirname, '..', '..', 'examples', 'clients');
const RUNS = Number(process.env.REFERENCE_CLIENT_RUNS ?? 1);
const REFERENCE: Array<[string, string[]]> = [
  ['fetch + FormData', [process.execPath, join(CLIENTS, 'upload-fetch.mjs')]],
  ['curl', ['bash', join(CLIENTS, 'upload.sh')]],
  ['browser form (Chromium)', [process.execPath, join(CLIENTS, 'upload-browser.mjs')]],
];

describe.each(REFERENCE)('reference client: %s', (name, command) => {
  const browser = name.startsWith('browser');
  const skip = browser && !existsSync(CHROMIUM);
  // The browser client's seven runs (one strict, one per robustness case) share one Chromium: each
  // connects (CHROMIUM_WS_ENDPOINT) and opens a context of its own, instead of starting a browser.
  let server: BrowserServer | undefined;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    if (!browser || skip) return;
    server = await launchChromiumServer();
    env.CHROMIUM_WS_ENDPOINT = server.wsEndpoint();
  });
  afterAll(() => server?.close());

  it.skipIf(skip)('passes the strict rules: 3 flows, zero violations, exit 0', { timeout: 60_000 }, async () => {
    const run = await runClient(command, { env: { ...env, UPLOADS: '3' } });
    expect(brokenRules(run.results), run.stderr).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.results.summary).toMatchObject({ passed: true, flows: 3 });
    expect(run.results.flows.every((f) => f.outcome === 'attached')).toBe(true);
  });

  it.skipIf(skip)(`recovers from every robustness fault (${RUNS} run(s))`, async () => {
    for (let i = 0; i < RUNS; i++) {
      const run = await runClient(command, { env, robustness: [...ROBUSTNESS_FAULT_NAMES] });
      expect(brokenRules(run.results), run.stderr).toEqual([]);
      expect(run.results.robustness!.map((r) => `${r.fault}: ${r.verdict}, ${r.passed ? 'pass' : 'fail'}`)).toEqual(ROBUSTNESS_FAULT_NAMES.map((f) => `${f}: recovered, pass`));
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.results.summary.passed).toBe(true);
    }
  }, 120_000);
});
