// schemas/reports/client-results.json describes verify-client's results.json: it compiles under Ajv 2020
// strict, its enums equal the code's, real results (a passing robustness run, a failing mutant with a
// stray request) validate, and mutated copies are rejected naming the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ROBUSTNESS_FAULT_NAMES } from '../../src/verify/robustness.ts';
import { runClient } from './run-client.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'reports', 'client-results.json'), 'utf8')) as { $defs: { robustness: { properties: { fault: { enum: string[] } } } } };
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const MUTANT = join(ROOT, 'test', 'fixtures', 'clients', 'mutant-client.mjs');

describe('client results.json schema', () => {
  it('is draft 2020-12 with an $id under https://upload-harness.dev/schemas/reports/ and describes every field', () => {
    const s = schema as unknown as { $schema: string; $id: string; description: string };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toBe('https://upload-harness.dev/schemas/reports/client-results.json');
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, { description?: string; $ref?: string; type?: string }> }).properties;
      for (const [k, v] of Object.entries(props ?? {})) {
        if (!v.description && !v.$ref && v.type !== 'array') missing.push(`${path}/${k}`);
        walk(v, `${path}/${k}`);
      }
      for (const [k, v] of Object.entries((node as { $defs?: Record<string, unknown> }).$defs ?? {})) walk(v, `#/$defs/${k}`);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
  });

  it('its fault enum is the code\'s', () => {
    expect(schema.$defs.robustness.properties.fault.enum).toEqual([...ROBUSTNESS_FAULT_NAMES]);
  });

  it('real results validate; mutated copies do not', { timeout: 60_000 }, async () => {
    const [good, bad] = await Promise.all([
      runClient([process.execPath, join(ROOT, 'examples', 'clients', 'upload-fetch.mjs')], { env: { UPLOADS: '5' }, robustness: [...ROBUSTNESS_FAULT_NAMES] }),
      runClient(['sh', '-c', `curl -s -o /dev/null -X POST --data-binary x "$ASHBY_BASE_URL/ashby-mock-uploads"; MUTANT=client.upload.file-last ${process.execPath} ${MUTANT}`]),
    ]);
    for (const r of [good, bad]) {
      const json = JSON.parse(JSON.stringify(r.results)) as Record<string, unknown>;
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(bad.results.strayViolations.length).toBeGreaterThan(0);
    const mutated = JSON.parse(JSON.stringify(bad.results)) as { flows: Array<{ outcome: string }>; extra?: number };
    mutated.flows[0]!.outcome = 'done';
    expect(validate(mutated)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('/flows/0/outcome');
    const extra = { ...JSON.parse(JSON.stringify(good.results)), surprise: 1 };
    expect(validate(extra)).toBe(false);
  });
});
