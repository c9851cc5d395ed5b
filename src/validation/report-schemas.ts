// The JSON Schemas of the machine-readable reports (schemas/reports/*.json), compiled once, all in one
// strict Ajv 2020 of their own (so that one may refer to another's definitions by relative $ref, as
// conformance-results.json refers to behaviour-record.json): the API-message validator (index.ts) never
// sees them. Used where a report written earlier is read back (`report merge`, `load --baseline`,
// `conform --baseline`), so a damaged or hand-edited file is refused naming the file and the field
// instead of being merged into a wrong report.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AnySchema, Ajv2020 as Ajv, ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMA_DIR, type SchemaViolation, type ValidationResult } from './index.ts';

export type ReportSchemaName = 'load-results' | 'conformance-results' | 'behaviour-record' | 'drift-results';

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function reportAjv(): Ajv {
  if (!ajv) {
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    // validateSchema off, as in index.ts: the meta-schema check is test/report-schemas.test.ts's.
    ajv = new Ajv2020({ strict: true, allErrors: true, validateSchema: false });
    const dir = join(SCHEMA_DIR, 'reports');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')) as AnySchema, file);
  }
  return ajv;
}

function validatorFor(name: ReportSchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = reportAjv().getSchema(`${name}.json`);
    if (!fn) throw new Error(`schemas/reports/${name}.json is missing`);
    compiled.set(name, fn);
  }
  return fn;
}

/** `data` against `schemas/reports/<name>.json`; each violation names its JSON path. */
export function validateReport(name: ReportSchemaName, data: unknown): ValidationResult {
  const fn = validatorFor(name);
  const ok = fn(data) as boolean;
  const violations: SchemaViolation[] = ok ? [] : (fn.errors ?? []).map((e) => ({ instancePath: e.instancePath || '/', keyword: e.keyword, message: e.message ?? e.keyword }));
  return { ok, violations };
}

/**
 * Why a report read back from `file` is refused, in one line: the first violation's JSON path and
 * message, and how many more (`what`: "load results", "behaviour record", …). Undefined when it matches.
 */
export function reportMismatch(name: ReportSchemaName, data: unknown, file: string, what: string): string | undefined {
  const check = validateReport(name, data);
  if (check.ok) return undefined;
  const v = check.violations[0]!;
  const more = check.violations.length > 1 ? ` (and ${check.violations.length - 1} more)` : '';
  return `${file} does not match the ${what} schema at ${v.instancePath}: ${v.message}${more}`;
}
