// The README documents the registries: its fault table must equal the one rendered from
// src/mock/faults.ts (the check table is kept in step by test/conformance-catalogue.test.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_TABLE_END, FAULT_TABLE_START, renderFaultTable } from '../src/mock/faults.ts';
import { EXIT, HARNESS_ERRORS, HarnessError, renderErrorsDoc, type HarnessErrorCode } from '../src/config/errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists exactly the fault modes of the registry', () => {
    const start = readme.indexOf(FAULT_TABLE_START);
    const end = readme.indexOf(FAULT_TABLE_END);
    expect(start, 'fault table markers missing').toBeGreaterThan(-1);
    expect(readme.slice(start + FAULT_TABLE_START.length, end).trim()).toBe(renderFaultTable());
  });

  it('holds exactly the two set-up commands', () => {
    const setup = readme.slice(readme.indexOf('## Set-up'), readme.indexOf('## Commands'));
    const commands = [...setup.matchAll(/^(npm ci && npm \w+)/gm)].map((m) => m[1]);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });
});

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
