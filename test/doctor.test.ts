// `upload-harness doctor`: against the embedded mock (usable, exit 0), against a closed port (not
// usable, exit 2), with wrong or missing keys and ids, and its JSON output.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command, doctorText, runDoctor } from '../src/cli/doctor.ts';
import { DEFAULT_JOB_POSTING_ID, startMockServer, type MockServer } from '../src/mock/index.ts';
import { closedPort } from './support/servers.ts';

const NO_ENV: NodeJS.ProcessEnv = { PATH: '' };

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0 });
});
afterAll(() => mock.close());

describe('doctor', () => {
  it('the embedded mock is usable: keys valid with the right permissions, every group runs', async () => {
    const r = await runDoctor({}, NO_ENV);
    expect(r.usable).toBe(true);
    const f = Object.fromEntries(r.findings.map((x) => [x.name, x]));
    expect(f.reachable!.status).toBe('ok');
    expect(f['api-key']!.status).toBe('ok');
    expect(f['api-key']!.detail).toMatch(/has candidates:write/);
    expect(f['limited-api-key']!.status).toBe('ok');
    expect(f['limited-api-key']!.detail).toMatch(/lacks candidates:write/);
    expect(f['other-org-api-key']!.status).toBe('ok');
    expect(f.k6!.detail).toMatch(/not found/);
    const expiry = r.groups.find((g) => g.group === 'expiry')!;
    expect(expiry.skip).toBe(0);
    expect(doctorText(r)).toContain('The target is usable.');
  });

  it('a real target with the full key only: usable, and says which checks are skipped and why', async () => {
    const r = await runDoctor({ target: mock.baseUrl, 'api-key': 'mock-full-access' }, NO_ENV);
    expect(r.usable).toBe(true);
    const permissions = r.groups.find((g) => g.group === 'permissions')!;
    expect(permissions.skip).toBeGreaterThan(0);
    expect(permissions.reasons.join('\n')).toMatch(/--limited-api-key/);
    expect(r.groups.find((g) => g.group === 'expiry')!.reasons.join('\n')).toMatch(/--slow/);
    expect(r.findings.find((x) => x.name === 'candidate-id')!.detail).toMatch(/skipped/);
    expect(r.findings.find((x) => x.name === 'job-posting-id')!.detail).toMatch(/not set/);
  });

  it('ids and keys from the environment (as conform): a fully configured real target', async () => {
    const env = { PATH: '', ASHBY_BASE_URL: mock.baseUrl, ASHBY_API_KEY: 'mock-full-access', ASHBY_LIMITED_API_KEY: 'mock-read-only', ASHBY_OTHER_ORG_API_KEY: 'mock-other-org', ASHBY_ALLOW_WRITES: '1', ASHBY_JOB_POSTING_ID: DEFAULT_JOB_POSTING_ID };
    const r = await runDoctor({}, env);
    expect(r.usable).toBe(true);
    expect(r.target.baseUrl).toBe(mock.baseUrl);
    for (const g of r.groups.filter((x) => x.group !== 'expiry')) expect(g.skip, g.group).toBe(0);
  });

  it('a key without candidatesWrite as the main key: not usable', async () => {
    const r = await runDoctor({ target: mock.baseUrl, 'api-key': 'mock-read-only' }, NO_ENV);
    expect(r.usable).toBe(false);
    expect(r.findings.find((x) => x.name === 'api-key')!.detail).toMatch(/needs a key with candidatesWrite/);
  });

  it('an unknown key: not usable; swapped limited key: a warning', async () => {
    const bad = await runDoctor({ target: mock.baseUrl, 'api-key': 'nope' }, NO_ENV);
    expect(bad.usable).toBe(false);
    expect(bad.findings.find((x) => x.name === 'api-key')!.status).toBe('fail');
    const swapped = await runDoctor({ target: mock.baseUrl, 'api-key': 'mock-full-access', 'limited-api-key': 'mock-other-org' }, NO_ENV);
    expect(swapped.usable).toBe(true);
    expect(swapped.findings.find((x) => x.name === 'limited-api-key')!.status).toBe('warn');
  });

  it('a closed port: not reachable, exit 2 from the command', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runDoctor({ target: url, 'api-key': 'k', timeout: '2s' }, NO_ENV);
    expect(r.usable).toBe(false);
    expect(r.findings[0]).toMatchObject({ name: 'reachable', status: 'fail' });
    expect(r.findings[0]!.detail).toMatch(/connection-refused/);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await command.run(['--target', url, '--api-key', 'k', '--json'])).toBe(2);
      const json = JSON.parse(out.mock.calls.map((c) => String(c[0])).join(''));
      expect(json.usable).toBe(false);
    } finally {
      out.mockRestore();
    }
  });

  it('usage errors are conform\'s: a real target without a key, an unknown flag', async () => {
    await expect(runDoctor({ target: mock.baseUrl }, NO_ENV)).rejects.toThrow(/needs an API key/);
    await expect(command.run(['--nope'])).rejects.toThrow(/--nope/);
  });

  it('k6: found through K6_BIN and its version printed; a bad K6_BIN is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-k6-'));
    const fake = join(dir, 'k6');
    await writeFile(fake, '#!/bin/sh\necho "k6 v9.9.9 (fake)"\n');
    await chmod(fake, 0o755);
    try {
      const r = await runDoctor({}, { PATH: '', K6_BIN: fake });
      expect(r.findings.find((x) => x.name === 'k6')).toMatchObject({ status: 'ok', detail: `${fake}: k6 v9.9.9 (fake)` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const bad = await runDoctor({}, { PATH: '', K6_BIN: '/nonexistent/k6' });
    expect(bad.findings.find((x) => x.name === 'k6')!.detail).toMatch(/K6_BIN=\/nonexistent\/k6 is not executable/);
  });
});
