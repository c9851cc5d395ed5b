// Request validation with the compiled schemas (src/validation): the message names the field,
// e.g. "contentLength: must be integer".
import type { ErrorObject, ValidateFunction } from 'ajv';
import { apiErrors } from './errors.ts';

function describe(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return `${path ? `${path}.` : ''}${missing}: is required`;
  }
  const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${path || 'body'}: ${e.message ?? e.keyword}${allowed}`;
}

export function checkBody(validate: ValidateFunction, body: unknown): void {
  if (validate(body)) return;
  throw apiErrors.schemaViolation((validate.errors ?? []).map(describe).join('; '));
}
