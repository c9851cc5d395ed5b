// The harness error registry (src/config/errors.ts) is the one declaration of every `error [code]`:
// docs/errors.md is rendered from it, it lists only codes src/ gives, and an error takes its exit class
// and usual hint from it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, HARNESS_ERRORS, HarnessError, renderErrorsDoc, type HarnessErrorCode } from '../src/config/errors.ts';

describe('docs/errors.md', () => {
  it('is the page rendered from the harness error registry (npm run docs:errors)', () => {
    const page = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    expect(page).toBe(renderErrorsDoc());
  });

  it('has one row per registered code, with its exit code', () => {
    const rows = [...renderErrorsDoc().matchAll(/^\| `([a-z0-9-]+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.keys(HARNESS_ERRORS).map((code) => [code, new HarnessError(code as HarnessErrorCode, 'x').exitCode]));
  });
});

describe('harness errors', () => {
  it('lists only codes that src/ gives (a code no call site uses is a stale row)', () => {
    const src = execFileSync('git', ['grep', '-h', '-o', "HarnessError('[a-z0-9-]*'", '--', 'src'], { encoding: 'utf8' });
    const given = new Set([...src.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]));
    given.add('usage'); // UsageError's
    given.add('internal'); // src/cli.ts, for errors that are no HarnessError
    expect(Object.keys(HARNESS_ERRORS).filter((code) => !given.has(code))).toEqual([]);
  });

  it("take their exit class and usual hint from the registry; a call site's hint replaces the usual one", () => {
    const busy = new HarnessError('port-in-use', 'port 4010 on 127.0.0.1 is already in use');
    expect(busy.exitCode).toBe(EXIT.usage);
    expect(busy.hint).toBe(HARNESS_ERRORS['port-in-use'].hint);
    expect(new HarnessError('port-in-use', 'm', 'something specific').hint).toBe('something specific');
    expect(new HarnessError('deviations', 'm').hint).toBeUndefined();
  });
});
