// Leak scanner: a full `conform` and a short `load` (node engine, 2 s) against a mock started here,
// whose presigners are wrapped to record every Policy, X-Amz-Signature and download `sig=` actually
// issued during the run. Every artifact (reports html/json/xml, captured stdout/stderr) is searched for
// the API keys, their Basic base64, the storage secret and every recorded signature/policy: zero hits.
// Key TITLES ("Mock full access") may appear; the key strings are the secrets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JOB_POSTING_ID, startMockServer, type MockServer } from '../src/mock/index.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../src/mock/storage/types.ts';
import { runCli } from './support/cli.ts';

const run = (args: string[]) => runCli(args, { env: { NO_COLOR: '1', ASHBY_API_KEY: '' } });

const KEYS = ['mock-full-access', 'mock-read-only', 'mock-other-org'];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

let s: MockServer;
let tmp: string;
const issued = { policies: new Set<string>(), signatures: new Set<string>(), sigs: new Set<string>(), queries: new Set<string>() };
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'uh-leaks-'));
  s = await startMockServer({ enableTestControl: false });
  const presignPost = s.storage.presignPost.bind(s.storage);
  const presignGet = s.storage.presignGet.bind(s.storage);
  s.storage.presignPost = (input) => {
    const p = presignPost(input);
    issued.policies.add(p.fields.Policy!);
    issued.signatures.add(p.fields['X-Amz-Signature']!);
    return p;
  };
  s.storage.presignGet = (key, ttl) => {
    const url = presignGet(key, ttl);
    const q = new URL(url);
    issued.sigs.add(q.searchParams.get('sig')!);
    issued.queries.add(q.search.slice(1));
    return url;
  };
});
afterAll(async () => {
  await s.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('no secrets in artifacts', () => {
  it('conform + load reports and logs contain no key, Basic credential, policy or signature', async () => {
    const conform = await run(['conform', '--target', s.baseUrl, '--api-key', KEYS[0]!, '--limited-api-key', KEYS[1]!, '--other-org-api-key', KEYS[2]!, '--allow-writes', '--report-dir', join(tmp, 'conform')]);
    expect(conform.code, conform.stderr).toBe(0);
    const load = await run(['load', '--engine', 'node', '--target', s.baseUrl, '--api-key', KEYS[0]!, '--job-posting-id', DEFAULT_JOB_POSTING_ID, '--rate', '5', '--duration', '2s', '--file-sizes', '1KiB:100', '--report-dir', join(tmp, 'load')]);
    expect([0, 99], load.stderr + load.stdout).toContain(load.code);

    const secrets = new Map<string, string>();
    for (const k of KEYS) {
      secrets.set(k, `api key ${k}`);
      secrets.set(Buffer.from(`${k}:`).toString('base64'), `Basic of ${k}`);
      secrets.set(Buffer.from(`${k}:`).toString('base64').replace(/=+$/, ''), `Basic of ${k} (unpadded)`);
    }
    secrets.set(DEFAULT_STORAGE_CREDENTIALS.secretAccessKey, 'storage secret');
    for (const p of issued.policies) secrets.set(p, 'Policy');
    for (const x of issued.signatures) secrets.set(x, 'X-Amz-Signature');
    for (const x of issued.sigs) secrets.set(x, 'download sig');
    for (const x of issued.queries) secrets.set(x, 'presigned query');
    expect(issued.policies.size).toBeGreaterThan(5);
    expect(issued.sigs.size).toBeGreaterThan(0);

    const artifacts: [string, string][] = [
      ['conform stdout', conform.stdout], ['conform stderr', conform.stderr], ['load stdout', load.stdout], ['load stderr', load.stderr],
    ];
    const reportFiles = await files(tmp);
    expect(reportFiles.some((f) => f.endsWith('index.html'))).toBe(true);
    for (const f of reportFiles) artifacts.push([f, await readFile(f, 'utf8')]);
    // Redaction must not corrupt the reports (test/regressions/redact-keeps-json-valid.test.ts).
    for (const [f, text] of artifacts) if (f.endsWith('.json')) expect(() => JSON.parse(text), f).not.toThrow();
    const hits: string[] = [];
    for (const [name, text] of artifacts) for (const [secret, what] of secrets) if (text.includes(secret)) hits.push(`${what} in ${name}`);
    console.log(`[leaks] scanned ${artifacts.length} artifacts (${reportFiles.length} report files) for ${secrets.size} secrets (${issued.policies.size} policies, ${issued.signatures.size} POST signatures, ${issued.sigs.size} download sigs): ${hits.length} hits`);
    expect(hits).toEqual([]);
  }, 120_000);
});
