// Every JSON Schema under schemas/ compiled once with Ajv (strict, draft 2020-12). The schemas are the
// single source of truth for message shapes; the mock validates requests and conformance validates
// responses with the same compiled functions.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, AnySchema, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
const SCHEMA_BASE = 'https://upload-harness.dev/schemas/';

export interface SchemaViolation {
  instancePath: string;
  keyword: string;
  message: string;
}

export interface ValidationResult {
  ok: boolean;
  violations: SchemaViolation[];
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv) return ajv;
  // Loaded on first use, not at import: Ajv and compiling the schemas cost ~70 ms, which every
  // `upload-harness mock` start paid before its first request needed a validator.
  const { Ajv2020: AjvClass } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // validateSchema off: checking each schema against the draft 2020-12 meta-schema cost ~20–40 ms per
  // process and worker thread (every conform run paid it twice) for files that ship with the package
  // and are checked once, by test/report-schemas.test.ts. Strict mode still applies when they compile.
  ajv = new AjvClass({ strict: true, allErrors: true, allowUnionTypes: true, validateSchema: false });
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as AnySchema);
  }
  return ajv;
}

/** Names of all schemas (file names without `.json`). */
export function schemaNames(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The compiled validator for `schemas/<name>.json`, compiled on first use and kept. */
export function validatorFor(name: string): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    fn = instance().getSchema(`${SCHEMA_BASE}${name}.json`);
    if (!fn) throw new Error(`unknown schema: ${name}`);
    compiled.set(name, fn);
  }
  return fn;
}

function toViolations(errors: ErrorObject[] | null | undefined): SchemaViolation[] {
  return (errors ?? []).map((e) => ({
    instancePath: e.instancePath || '/',
    keyword: e.keyword,
    message: e.message ?? e.keyword,
  }));
}

export function validate(name: string, data: unknown): ValidationResult {
  const fn = validatorFor(name);
  const ok = fn(data) as boolean;
  return { ok, violations: ok ? [] : toViolations(fn.errors) };
}

/** One line per violation, e.g. `/results/url: must match pattern "^https?://" (pattern)`. */
export function formatViolations(violations: SchemaViolation[]): string {
  return violations.map((v) => `${v.instancePath}: ${v.message} (${v.keyword})`).join('; ');
}
