// The JSON Schemas of the machine-readable reports (schemas/reports/*.json), compiled once each with a
// strict Ajv 2020 of their own: the API-message validator (index.ts) never sees them. Used where a
// report written earlier is read back (`report merge`, `load --baseline`), so a damaged or hand-edited
// file is refused naming the file and the field instead of being merged into a wrong report.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AnySchema, ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_DIR, type SchemaViolation, type ValidationResult } from './index.ts';

const compiled = new Map<string, ValidateFunction>();

function validatorFor(name: string): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    fn = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(join(SCHEMA_DIR, 'reports', `${name}.json`), 'utf8')) as AnySchema);
    compiled.set(name, fn);
  }
  return fn;
}

/** `data` against `schemas/reports/<name>.json`; each violation names its JSON path. */
export function validateReport(name: 'load-results', data: unknown): ValidationResult {
  const fn = validatorFor(name);
  const ok = fn(data) as boolean;
  const violations: SchemaViolation[] = ok ? [] : (fn.errors ?? []).map((e) => ({ instancePath: e.instancePath || '/', keyword: e.keyword, message: e.message ?? e.keyword }));
  return { ok, violations };
}
