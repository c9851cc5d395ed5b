// The POST policy document: decoding/shape checks (400 InvalidPolicyDocument, docs/sources.md: "S3 POST policy", "S3 error responses")
// and evaluation against the form (coverage, conditions, content-length-range). Case rules:
// condition field names and operator names are case-insensitive, values case-sensitive, top-level keys
// case-sensitive. Conditions are echoed in failure messages as S3 does: `["eq", "$name", "value"]`.
import { s3Errors } from './errors.ts';

interface MatchCondition {
  op: 'eq' | 'starts-with';
  /** Lower-cased field name without `$`; undefined when the reference lacks the `$` (always fails). */
  field: string | undefined;
  value: string;
  echo: string;
}

interface RangeCondition {
  /** NaN when an operand is a non-numeric string: the condition then fails (403, not 400). */
  min: number;
  max: number;
  echo: string;
}

export interface ParsedPolicy {
  expirationMs: number;
  matches: MatchCondition[];
  ranges: RangeCondition[];
  /** Lower-cased field names a condition refers to with `$` (or names of simple conditions). */
  covered: Set<string>;
}

/** The form as the policy sees it: lower-cased names in form order, duplicates comma-joined. */
export interface PolicyForm {
  fields: ReadonlyMap<string, string>;
  /** The bucket the request was sent to (the `bucket` condition is compared with it). */
  bucket: string;
  /** The key after `${filename}` substitution. */
  key: string;
}

const ISO_EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// JSON.parse turns 512.0 into 512, so floats in ranges are found in the text itself (S3: Invalid JSON).
const RANGE_TOKENS = /\[\s*"content-length-range"\s*,\s*("(?:[^"\\]|\\.)*"|[^,\]\s]+)\s*,\s*("(?:[^"\\]|\\.)*"|[^,\]\s]+)\s*\]/gi;

const echo = (parts: readonly unknown[]): string => `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;

function fieldRef(ref: string): string | undefined {
  return ref.startsWith('$') ? ref.slice(1).toLowerCase() : undefined;
}

function rangeOperand(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw s3Errors.invalidPolicy('Invalid JSON.');
    return value;
  }
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : Number.NaN;
  throw s3Errors.invalidPolicy('Invalid JSON.');
}

/** Decodes and checks the policy. Call only after the signature over `base64` was verified. */
export function parsePolicy(base64: string): ParsedPolicy {
  if (base64.length === 0) throw s3Errors.invalidPolicy("Expecting '{' but found End-of-Input");
  if (!BASE64.test(base64)) throw s3Errors.invalidPolicy('invalid Base64 encoding.');
  const text = Buffer.from(base64, 'base64').toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw s3Errors.invalidPolicy('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw s3Errors.invalidPolicy('Invalid JSON.');
  for (const m of text.matchAll(RANGE_TOKENS)) {
    for (const token of [m[1]!, m[2]!]) if (!token.startsWith('"') && !/^\d+$/.test(token)) throw s3Errors.invalidPolicy('Invalid JSON.');
  }
  const record = doc as Record<string, unknown>;
  if (!('expiration' in record)) throw s3Errors.invalidPolicy('Policy missing expiration.');
  if (!('conditions' in record)) throw s3Errors.invalidPolicy('Policy missing conditions.');
  for (const name of Object.keys(record)) {
    if (name !== 'expiration' && name !== 'conditions') throw s3Errors.invalidPolicy(`Unexpected: "${name}"`);
  }
  const expiration = record.expiration;
  const expirationMs = typeof expiration === 'string' && ISO_EXPIRATION.test(expiration) ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expirationMs)) throw s3Errors.invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (!Array.isArray(record.conditions)) throw s3Errors.invalidPolicy("Invalid 'conditions' value: must be a List.");

  const policy: ParsedPolicy = { expirationMs, matches: [], ranges: [], covered: new Set() };
  for (const condition of record.conditions as unknown[]) {
    if (Array.isArray(condition)) parseListCondition(condition, policy);
    else if (typeof condition === 'object' && condition !== null) {
      const entries = Object.entries(condition);
      if (entries.length !== 1) {
        throw s3Errors.invalidPolicy('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
      }
      const [name, value] = entries[0]! as [string, unknown];
      if (typeof value !== 'string') throw s3Errors.invalidPolicy('Invalid Simple-Condition: value must be a string.');
      const field = name.toLowerCase();
      policy.covered.add(field);
      policy.matches.push({ op: 'eq', field, value, echo: echo(['eq', `$${name}`, value]) });
    } else {
      throw s3Errors.invalidPolicy('Invalid condition test: must be a List or Object.');
    }
  }
  return policy;
}

function parseListCondition(condition: unknown[], policy: ParsedPolicy): void {
  const [opRaw, a, b] = condition;
  if (typeof opRaw !== 'string') throw s3Errors.invalidPolicy('Invalid Condition: missing operation identifier.');
  const op = opRaw.toLowerCase();
  if (op !== 'eq' && op !== 'starts-with' && op !== 'content-length-range') {
    throw s3Errors.invalidPolicy(`Invalid Condition: unknown operation '${opRaw}'.`);
  }
  if (condition.length !== 3) throw s3Errors.invalidPolicy(`Invalid ${opRaw}: wrong number of arguments.`);
  if (op === 'content-length-range') {
    policy.ranges.push({ min: rangeOperand(a), max: rangeOperand(b), echo: echo(condition) });
    return;
  }
  if (typeof a !== 'string' || typeof b !== 'string') throw s3Errors.invalidPolicy('Invalid JSON.');
  const field = fieldRef(a);
  if (field !== undefined) policy.covered.add(field);
  policy.matches.push({ op, field, value: b, echo: echo(condition) });
}

const COVERAGE_EXEMPT = new Set(['policy', 'x-amz-signature', 'file']);

function fieldValue(form: PolicyForm, field: string): string | undefined {
  if (field === 'bucket') return form.bucket;
  if (field === 'key') return form.key;
  return form.fields.get(field);
}

function holds(condition: MatchCondition, form: PolicyForm): boolean {
  if (condition.field === undefined) return false;
  const value = fieldValue(form, condition.field);
  if (condition.op === 'eq') return value === condition.value;
  if (value === undefined) return condition.value === '';
  // A Content-Type list ("text/plain, text/html") matches only if every element has the prefix.
  if (condition.field === 'content-type') return value.split(',').every((v) => v.trim().startsWith(condition.value));
  return value.startsWith(condition.value);
}

export interface SizeRange {
  min: number;
  max: number;
}

/** S3's single-request ceiling applies when the policy has no range (docs/sources.md: "S3 POST Object"). */
export const MAX_SINGLE_UPLOAD = 5 * 1024 ** 3;

/**
 * Coverage, then conditions (403 AccessDenied). Returns the intersected content-length-range, checked
 * later against the file bytes.
 */
export function evaluatePolicy(policy: ParsedPolicy, form: PolicyForm): SizeRange {
  // The bucket is an implicit form field: a policy without a bucket condition names it as extra.
  if (!policy.covered.has('bucket')) throw s3Errors.extraField('bucket');
  for (const name of form.fields.keys()) {
    if (COVERAGE_EXEMPT.has(name) || name.startsWith('x-ignore-')) continue;
    if (!policy.covered.has(name)) throw s3Errors.extraField(name);
  }
  for (const condition of policy.matches) if (!holds(condition, form)) throw s3Errors.conditionFailed(condition.echo);
  const range: SizeRange = { min: 0, max: MAX_SINGLE_UPLOAD };
  for (const r of policy.ranges) {
    if (Number.isNaN(r.min) || Number.isNaN(r.max)) throw s3Errors.conditionFailed(r.echo);
    range.min = Math.max(range.min, r.min);
    range.max = Math.min(range.max, r.max);
  }
  return range;
}
