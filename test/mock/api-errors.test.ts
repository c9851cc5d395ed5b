// The API error registry (src/mock/api/errors.ts) is the only source of the mock's error answers:
// every code comes from it, decision 0002 lists exactly its codes and statuses, no API module builds an
// ApiError or names an ERROR_CODES entry itself, and every error code the harness's tests and the
// conformance suites expect from the mock is one the registry can answer.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/protocol/constants.ts';
import { ApiError } from '../../src/mock/api/envelope.ts';
import { apiErrors, type ApiErrorFactory } from '../../src/mock/api/errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const entries = Object.entries(apiErrors) as [string, ApiErrorFactory<unknown[]>][];
const registryCodes = new Set<string>(entries.map(([, e]) => e.code));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Rows of decision 0002's table: the HTTP statuses and the codes of each. */
function decisionRows(): { statuses: number[]; codes: string[] }[] {
  const text = readFileSync(join(ROOT, 'docs/decisions/0002-error-codes.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*(Situation|---)/.test(line))
    .map((line) => {
      const [, , http = '', code = ''] = line.split('|');
      return { statuses: [...http.matchAll(/\d{3}/g)].map((m) => Number(m[0])), codes: [...code.matchAll(/`([a-z]+(?:_[a-z]+)+)`/g)].map((m) => m[1]!) };
    });
}

describe('API error registry', () => {
  it('every entry builds an ApiError with its own code, status and a message', () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const [name, factory] of entries) {
      const err = factory('x', 'y', 'z');
      expect(err, name).toBeInstanceOf(ApiError);
      expect([err.code, err.status], name).toEqual([factory.code, factory.status]);
      expect(err.message.length, name).toBeGreaterThan(0);
    }
  });

  it('uses exactly the codes of ERROR_CODES', () => {
    expect([...registryCodes].sort()).toEqual([...new Set(Object.values(ERROR_CODES))].sort());
  });

  it('decision 0002 lists every registry code with its status, and no other code', () => {
    const rows = decisionRows();
    for (const [name, e] of entries) {
      expect(rows.some((r) => r.codes.includes(e.code) && r.statuses.includes(e.status)), `${name}: ${e.status} ${e.code} in decision 0002`).toBe(true);
    }
    const documented = new Set(rows.flatMap((r) => r.codes));
    expect([...documented].sort()).toEqual([...registryCodes].sort());
  });

  it('no other module of the mock builds an API error or names a code itself', () => {
    const offenders = filesUnder(join(ROOT, 'src/mock'))
      .filter((f) => !f.endsWith(join('api', 'errors.ts')))
      .filter((f) => /new ApiError\(|ERROR_CODES/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('every error code the tests and conformance suites expect is in the registry', () => {
    const CODE_USE = /(?:code|errors)[^'"`\n]{0,25}['"]([a-z]+(?:_[a-z]+)+)['"]/g;
    const expected = new Set<string>();
    for (const dir of ['test', 'conformance', 'src/conformance']) {
      for (const f of filesUnder(join(ROOT, dir))) {
        for (const m of readFileSync(f, 'utf8').matchAll(CODE_USE)) expected.add(m[1]!);
      }
    }
    expect(expected.size).toBeGreaterThanOrEqual(10); // the scan finds the codes the tests use
    expect([...expected].filter((c) => !registryCodes.has(c))).toEqual([]);
  });
});
