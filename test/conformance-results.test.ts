// Results model, status mapping, exit codes, option resolution and the three report formats, on
// hand-made results (no target needed). Includes the rule that secrets never reach any report.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { getCheck } from '../src/conformance/catalogue.ts';
import { resolveConformConfig } from '../src/conformance/config.ts';
import { progressLine } from '../src/conformance/reporter.ts';
import { notRun, toCheckResult } from '../src/conformance/results.ts';
import { CONFORMANCE_RESULTS_VERSION as RESULTS_SCHEMA_VERSION, exitCodeFor, summarise, type RunResults } from '../src/results/index.ts';
import { UsageError } from '../src/config/errors.ts';
import { writeReports } from '../src/cli/report-files.ts';
import { redactKnownSecrets } from '../src/config/redact.ts';

const failure = (expected = 'HTTP 401', received = 'HTTP 200') => ({ exchanges: [], observations: [], failure: { kind: 'failure' as const, message: 'boom', expected, received } });

describe('status mapping', () => {
  const must = getCheck('auth.missing-key.401');
  const should = getCheck('validation.malformed-json');
  const info = getCheck('validation.extra-field');
  it('MUST fails, SHOULD warns (fails with --strict), INFO never fails', () => {
    expect(toCheckResult(must, { state: 'failed', meta: failure(), durationMs: 1 }, false).status).toBe('fail');
    expect(toCheckResult(should, { state: 'failed', meta: failure(), durationMs: 1 }, false).status).toBe('warn');
    expect(toCheckResult(should, { state: 'failed', meta: failure(), durationMs: 1 }, true).status).toBe('fail');
    expect(toCheckResult(info, { state: 'failed', meta: failure(), durationMs: 1 }, true).status).toBe('warn');
  });
  it('transport and harness problems are errors, skips keep their reason, known deviations warn', () => {
    const transport = { exchanges: [], observations: [], failure: { kind: 'transport' as const, message: 'connection-refused' } };
    expect(toCheckResult(must, { state: 'failed', meta: transport, durationMs: 1 }, false).status).toBe('error');
    expect(toCheckResult(must, { state: 'failed', durationMs: 1 }, false).status).toBe('error');
    expect(toCheckResult(must, { state: 'skipped', note: 'needs --limited-api-key', durationMs: 0 }, false)).toMatchObject({ status: 'skip', message: 'needs --limited-api-key' });
    expect(toCheckResult(must, { state: 'failed', meta: failure(), durationMs: 1 }, false, 'known bug #12')).toMatchObject({ status: 'warn', deviation: 'known bug #12' });
    expect(notRun(must).status).toBe('error');
  });
  it('exit code: 1 on a failure, 2 on an error or harness error, else 0', () => {
    const pass = toCheckResult(must, { state: 'passed', durationMs: 1 }, false);
    const fail = toCheckResult(must, { state: 'failed', meta: failure(), durationMs: 1 }, false);
    expect(exitCodeFor([pass], [])).toBe(0);
    expect(exitCodeFor([pass, fail, notRun(must)], [])).toBe(1);
    expect(exitCodeFor([pass, notRun(must)], [])).toBe(2);
    expect(exitCodeFor([pass], ['suite crashed'])).toBe(2);
  });
  it('progress lines carry no colour when asked not to', () => {
    expect(progressLine(toCheckResult(must, { state: 'passed', durationMs: 3 }, false), false)).toBe('PASS  MUST   auth.missing-key.401 (3 ms)\n');
  });
});

describe('conform options', () => {
  it('flags win over the environment, the environment over defaults', () => {
    const env = { ASHBY_BASE_URL: 'https://staging.example.com', ASHBY_API_KEY: 'env-key', ASHBY_CONFORM_STRICT: 'true', ASHBY_CONFORM_ONLY: 'storage' };
    const c = resolveConformConfig({ 'api-key': 'flag-key', only: 'expiry,storage' }, env);
    expect(c).toMatchObject({ apiKey: 'flag-key', strict: true, only: ['expiry', 'storage'], reportDir: 'reports/conformance', timeoutMs: 15_000 });
    expect(String(c.target)).toBe('https://staging.example.com/');
    expect(resolveConformConfig({}, {}).target).toBe('mock');
  });
  it('refuses bad values, each with its own message', () => {
    const bad = (flags: object, env: NodeJS.ProcessEnv = {}) => {
      try {
        resolveConformConfig(flags, env);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ target: 'ftp://x' })).toMatch(/http or https/);
    expect(bad({ target: 'https://x.example' })).toMatch(/API key/);
    expect(bad({ only: 'storage,nope' })).toMatch(/unknown group "nope"/);
    expect(bad({}, { ASHBY_ALLOW_WRITES: 'maybe' })).toMatch(/ASHBY_ALLOW_WRITES/);
    expect(bad({ timeout: 'soon' })).toMatch(/--timeout/);
    expect(bad({ target: 'https://x.example', 'api-key': 'k', 'candidate-id': 'a b' })).toMatch(/--candidate-id/);
  });
  it('ignores staging keys in the environment when the target is the mock', () => {
    expect(resolveConformConfig({ target: 'mock' }, { ASHBY_API_KEY: 'staging' }).apiKey).toBeUndefined();
  });
});

describe('conformance reports', () => {
  const SECRET = 'sk_live_very_secret_key';
  function sample(): RunResults {
    const exchange = {
      method: 'POST',
      url: 'http://target/file.createFileUploadHandle',
      requestHeaders: { authorization: '[redacted]' },
      requestBody: `{"leak":"${SECRET}"}`,
      status: 200,
      responseHeaders: {},
      responseBody: '<script>alert(1)</script>',
      durationMs: 2,
      curl: `curl -u "$ASHBY_API_KEY:" --data-raw '${SECRET}'`,
    };
    const checks = [
      toCheckResult(getCheck('auth.missing-key.401'), { state: 'failed', meta: { ...failure(), exchanges: [exchange] }, durationMs: 5 }, false),
      toCheckResult(getCheck('ctx.form.submit'), { state: 'skipped', note: 'needs --job-posting-id ID', durationMs: 0 }, false),
      toCheckResult(getCheck('envelope.handle.schema'), { state: 'passed', durationMs: 4 }, false),
    ];
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      tool: 'upload-harness conform',
      target: { name: 'mock', baseUrl: 'http://127.0.0.1:1', mock: true },
      options: { strict: false, slow: false, allowWrites: true, only: [] },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 10,
      summary: summarise(checks),
      harnessErrors: [],
      exitCode: exitCodeFor(checks, []),
      checks,
    };
  }

  it('writes HTML, JUnit and JSON with no secret, one testcase per check, a schema version', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uh-reports-'));
    try {
      // A model that still holds a known secret is refused, nothing written (it is redacted where built).
      await expect(writeReports(join(dir, 'leaky'), 'conformance', sample(), [SECRET])).rejects.toThrow(/refusing to write the report: results\.json contains a known secret/);
      await expect(readFile(join(dir, 'leaky', 'results.json'), 'utf8')).rejects.toThrow(/ENOENT/);
      const paths = await writeReports(dir, 'conformance', redactKnownSecrets(sample(), [SECRET]), [SECRET]);
      const [html, junit, json] = await Promise.all([readFile(paths.html, 'utf8'), readFile(paths.junit, 'utf8'), readFile(paths.json, 'utf8')]);
      for (const text of [html, junit, json]) expect(text).not.toContain(SECRET);
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('auth.missing-key.401');
      expect(html).toContain('FAIL');
      expect(html).toContain('needs --job-posting-id ID');
      expect(html).not.toMatch(/<(link|img|script) [^>]*src=/);
      const doc = new XMLParser({ ignoreAttributes: false }).parse(junit);
      const suites = [doc.testsuites.testsuite].flat();
      expect(suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat()).length).toBe(3);
      const parsed = JSON.parse(json) as RunResults;
      expect(parsed.schemaVersion).toBe(1);
      expect(parsed.checks.map((c) => c.status)).toEqual(['fail', 'skip', 'pass']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
