// Upload clients built on widely used HTTP libraries — axios, got, superagent, undici, form-data (+
// node:http), Python requests (every field in files=, the way s3-tests sends POST forms) and, in
// Chromium, Uppy's AWS S3 plugin on a page served from another origin — judged as `verify-client`
// judges them, without and with --strict (one run of each client, judged both ways, as the flag only
// changes the judgement): each correct client passes both; each realistic misuse fails both, with
// exactly the rule it breaks (test/fixtures/clients/libraries/).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StorageCors } from '../../src/mock/storage/cors.ts';
import type { ClientResults } from '../../src/results/client.ts';
import { startVerifySession } from '../../src/verify/session.ts';
import { CHROMIUM } from '../support/browser.ts';
import { brokenRules } from './run-client.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'clients', 'libraries');
const node = (file: string): string[] => [process.execPath, join(DIR, file)];

interface Library {
  name: string;
  command: string[];
  misuse: string;
  rule: string;
  /** The bucket's CORS rule for the misuse run (the browser client's misuse is its page's origin). */
  cors?: StorageCors;
}

const LIBRARIES: Library[] = [
  { name: 'axios', command: node('axios.mjs'), misuse: 'file-first', rule: 'client.upload.file-last' },
  { name: 'got', command: node('got.mjs'), misuse: 'fields-dropped', rule: 'client.upload.fields-complete' },
  { name: 'superagent', command: node('superagent.mjs'), misuse: 'form-follow-up', rule: 'client.attach.json' },
  { name: 'undici', command: node('undici.mjs'), misuse: 'string-length', rule: 'client.upload.size-declared' },
  { name: 'form-data', command: node('form-data.mjs'), misuse: 'no-part-type', rule: 'client.upload.content-type-declared' },
  { name: 'Python requests', command: ['python3', join(DIR, 'python-requests.py')], misuse: 'bearer', rule: 'client.auth.basic' },
  { name: 'Uppy AWS S3 (Chromium, cross-origin)', command: node('uppy-browser.mjs'), misuse: 'page origin not allowed', rule: 'client.upload.cors-allowed', cors: { allowedOrigins: ['https://careers.example.com'] } },
];

interface Judged {
  normal: ClientResults;
  strict: ClientResults;
  exitCode: number | null;
  stderr: string;
}

/** One run of the client on its own mock, judged without and with --strict. */
async function verifyBoth(command: string[], env: Record<string, string>, storageCors?: StorageCors): Promise<Judged> {
  const session = await startVerifySession(storageCors ? { storageCors } : {});
  try {
    let stderr = '';
    const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...session.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
    const cmd = { argv: command, exitCode };
    return { normal: session.judge({ strict: false, command: cmd }), strict: session.judge({ strict: true, command: cmd }), exitCode, stderr };
  } finally {
    await session.close();
  }
}

describe.each(LIBRARIES)('upload client on $name', ({ name, command, misuse, rule, cors }) => {
  const skip = name.includes('Chromium') && !existsSync(CHROMIUM);

  it.skipIf(skip).concurrent('a correct client passes, with and without --strict: one complete flow, no violation', async () => {
    const run = await verifyBoth(command, {});
    expect(run.exitCode, run.stderr).toBe(0);
    for (const r of [run.normal, run.strict]) {
      expect(brokenRules(r), run.stderr).toEqual([]);
      expect(r.summary).toMatchObject({ passed: true, flows: 1, completeFlows: 1, mustViolations: 0, shouldViolations: 0 });
      expect(r.flows[0]!.outcome).toBe('attached');
    }
  });

  it.skipIf(skip).concurrent(`misuse "${misuse}" fails, with and without --strict, naming ${rule}`, async () => {
    const run = await verifyBoth(command, { MISUSE: misuse }, cors);
    for (const r of [run.normal, run.strict]) {
      expect(brokenRules(r), run.stderr).toEqual([rule]);
      expect(r.summary.passed).toBe(false);
      expect(r.summary.failures[0]).toMatch(new RegExp(`MUST violation\\(s\\): ${rule.replace(/\./g, '\\.')}$`));
    }
  });
});
