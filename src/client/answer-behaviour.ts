// What one answer shows of a target's behaviour, read from the RAW request and answer (before
// redaction) and keeping no value that could be a secret or change from run to run: the envelope kind,
// error codes, the JSON shape (names and types), the presigned form's field order, and the POST
// policy's conditions with their bounds written relative to the request (`contentLength`, the form's own
// field values), so two runs of one target compare equal and a changed rule shows.
import type { AnswerBehaviour } from '../results/index.ts';

/** Longer answers are file bodies (downloads), not API or S3 answers. */
const MAX_DESCRIBED_CHARS = 256 * 1024;

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** `{a:string,b:{c:number},d:[string]}`: member names sorted, array items as the union of their shapes. */
export function jsonShape(v: unknown): string {
  if (Array.isArray(v)) return `[${[...new Set(v.map(jsonShape))].sort().join('|')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${jsonShape((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return typeOf(v);
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** A bound relative to the request's contentLength L: `L`, `L+1`, `L-1`, `0`, or the number. */
function relative(n: unknown, length: number | undefined): string {
  if (typeof n !== 'number') return typeOf(n);
  if (n === 0) return '0';
  if (length === undefined) return String(n);
  const d = n - length;
  return d === 0 ? 'L' : `L${d > 0 ? '+' : ''}${d}`;
}

/** An eq value as what it equals: the form's own field, the request's content type, or a constant. */
function equalsWhat(name: string, value: unknown, fields: Record<string, unknown>, request: Record<string, unknown>): string {
  const field = Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase());
  if (field !== undefined && fields[field] === value) return '=field';
  if (value === request.contentType) return '=request.contentType';
  return `=${typeOf(value)}`;
}

function policyConditions(policy: unknown, fields: Record<string, unknown>, request: Record<string, unknown>): string[] | undefined {
  if (typeof policy !== 'string') return undefined;
  const doc = parseJson(Buffer.from(policy, 'base64').toString('utf8')) as { expiration?: unknown; conditions?: unknown } | undefined;
  if (!doc || !Array.isArray(doc.conditions)) return ['(not a POST policy document)'];
  const length = typeof request.contentLength === 'number' ? request.contentLength : undefined;
  const out: string[] = [];
  // The policy's lifetime from the signing date the form carries (X-Amz-Date), to the minute.
  const signed = typeof fields['X-Amz-Date'] === 'string' ? Date.parse((fields['X-Amz-Date']).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) : NaN;
  const expires = typeof doc.expiration === 'string' ? Date.parse(doc.expiration) : NaN;
  out.push(Number.isNaN(signed) || Number.isNaN(expires) ? `expiration ${typeOf(doc.expiration)}` : `expiration +${Math.round((expires - signed) / 60_000)}min`);
  for (const c of doc.conditions as unknown[]) {
    if (Array.isArray(c)) {
      const [op, a, b] = c as unknown[];
      if (op === 'content-length-range') out.push(`content-length-range ${relative(a, length)}..${relative(b, length)}`);
      else if (typeof a === 'string') {
        const name = a.replace(/^\$/, '');
        out.push(op === 'starts-with' ? `${name} starts-with ${b === '' ? '(any)' : '(prefix)'}` : `${name} ${String(op)} ${equalsWhat(name, b, fields, request)}`);
      } else out.push(`${String(op)} ${typeOf(a)}`);
    } else if (c !== null && typeof c === 'object') {
      for (const [k, v] of Object.entries(c)) out.push(`${k} eq ${equalsWhat(k, v, fields, request)}`);
    } else out.push(typeOf(c));
  }
  return out;
}

/** The behaviour one answer shows; `requestBody` is the raw JSON request (for relative bounds). */
export function describeAnswer(requestBody: string, responseText: string): AnswerBehaviour {
  // A downloaded file is no answer with a shape; parsing megabytes of it would only cost time.
  if (responseText.length > MAX_DESCRIBED_CHARS) return { envelope: 'none' };
  const s3Code = /<Error>[\s\S]*?<Code>([^<]{1,100})<\/Code>/.exec(responseText)?.[1];
  if (s3Code !== undefined) return { envelope: 'none', s3Code };
  const json = parseJson(responseText) as { success?: unknown; errors?: unknown; errorInfo?: { code?: unknown }; results?: { fields?: unknown } } | undefined;
  if (json === undefined || json === null || typeof json !== 'object') return { envelope: 'none' };
  const out: AnswerBehaviour = { envelope: json.success === true ? 'success' : json.success === false ? 'error' : 'none', shape: jsonShape(json) };
  if (out.envelope === 'error') {
    const code = json.errorInfo?.code ?? (Array.isArray(json.errors) ? (json.errors as unknown[])[0] : undefined);
    if (typeof code === 'string') out.errorCode = code;
  }
  const fields = json.results?.fields;
  if (out.envelope === 'success' && fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    const form = fields as Record<string, unknown>;
    out.fields = Object.keys(form);
    const request = (parseJson(requestBody) ?? {}) as Record<string, unknown>;
    const policyName = Object.keys(form).find((k) => k.toLowerCase() === 'policy');
    const policy = policyName === undefined ? undefined : policyConditions(form[policyName], form, request);
    if (policy) out.policy = policy;
  }
  return out;
}
