// Regressions, through the real binary (the interface a user has), each run of a client
// judged by `verify-client`:
// - a client that creates a handle and exits without uploading PASSED (`--min-flows` counted handles);
// - the console said "0 MUST / 1 SHOULD violation(s)" without naming the rule, and "0 flow(s)" where the
//   report listed a flow (a refused handle request);
// - the HTML report put the violations ~1,900 px down, under the rule table;
// - redaction ate words: the client.auth.basic rule read "HTTP Basic [redacted] the API key…" in every
//   report (HTML, JUnit, JSON);
// - a form with every field as a file part (Python requests' `files=`, as s3-tests sends every POST
//   form) failed client.upload.multipart-well-formed and "changed" field values that were byte-identical;
// - with --robustness a fault the client never reached was "not exercised" and the run still PASSED.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.ts';

const MUTANT = join(ROOT, 'test', 'fixtures', 'clients', 'mutant-client.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uh-22-verdicts-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stderr: string;
  out: string;
}

async function verify(name: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = join(dir, name);
  const { code, stderr } = await runCli(['verify-client', '--report-dir', out, ...args], { env });
  return { code, stderr, out };
}
const read = (run: Run, file: string): Promise<string> => readFile(join(run.out, file), 'utf8');

describe('client verdicts that were not true', () => {
  it.concurrent('a client that creates a handle and never uploads fails, the console naming the rule and the reason; the reports keep "HTTP Basic with the API key"; violations lead the page', async () => {
    const run = await verify('never-uploads', ['--', process.execPath, MUTANT], { MUTANT: 'never-uploads' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('FAILED');
    expect(run.stderr).toContain('client.handle.unused'); // a SHOULD, named although it alone fails nothing
    expect(run.stderr).toMatch(/flow 1: it created a handle and never uploaded/);
    const [html, junit, json] = await Promise.all([read(run, 'index.html'), read(run, 'junit.xml'), read(run, 'results.json')]);
    for (const text of [html, junit, json]) {
      expect(text).toContain('API calls use HTTP Basic with the API key as user name and an empty password');
      expect(text).not.toContain('Basic [redacted]');
    }
    expect(html.indexOf('client.handle.unused')).toBeLessThan(html.indexOf('<h2>Rules</h2>'));
    expect(JSON.parse(json).summary.passed).toBe(false);
  });

  it.concurrent('a refused handle request is a flow in the console as in the report', async () => {
    const refused = `curl -s -o /dev/null -u "$ASHBY_API_KEY:" -H 'content-type: application/json' "$ASHBY_BASE_URL/file.createFileUploadHandle" -d '{"fileUploadContext":"Resume","filename":"a.txt","contentType":"text/plain","contentLength":5}'`;
    const run = await verify('refused', ['--', 'sh', '-c', refused]);
    const json = JSON.parse(await read(run, 'results.json')) as { flows: unknown[]; summary: { flows: number; mustViolations: number } };
    expect(json.flows).toHaveLength(1);
    expect(json.summary.flows).toBe(1);
    expect(run.stderr).toMatch(/— 1 flow\(s\)/);
    expect(run.stderr).toContain('client.handle.request-valid');
    expect(await read(run, 'index.html')).toMatch(/1 flow\(s\)/);
  });

  it.concurrent('every field as a file part (Python requests files=, s3-tests) passes: the file is the part named "file"', async () => {
    const run = await verify('files-form', ['--strict', '--', process.execPath, MUTANT], { FILES_FORM: '1' });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(await read(run, 'results.json')) as { flows: Array<{ violations: unknown[]; timeline: Array<{ summary: string }> }>; summary: unknown };
    expect(json.flows.flatMap((f) => f.violations)).toEqual([]);
    expect(json.summary).toMatchObject({ passed: true, completeFlows: 1, mustViolations: 0, shouldViolations: 0 });
    expect(json.flows[0]!.timeline[1]!.summary).toContain('bucket="ashby-mock-uploads" (filename "bucket")'); // the values were read
  });

  it.concurrent('--robustness with a fault the client never reaches fails, naming the case', async () => {
    // This client uploads but never makes the follow-up call: follow-up-5xx has nothing to fire on.
    const run = await verify('not-exercised', ['--robustness=follow-up-5xx', '--', process.execPath, MUTANT], { MUTANT: 'client.handle.unused' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/follow-up-5xx: .*not exercised/);
    const json = JSON.parse(await read(run, 'results.json')) as { summary: { passed: boolean; failures: string[] } };
    expect(json.summary.passed).toBe(false);
    expect(json.summary.failures.join('\n')).toMatch(/robustness follow-up-5xx: not exercised/);
  });
});
