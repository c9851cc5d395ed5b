// Secrets never reach logs, reports or transcripts. They are removed by STRUCTURE, where a model is
// built: a header or form field by its name (Authorization, Policy, X-Amz-Signature, X-Amz-Credential),
// a URL's query string, and the run's known secret VALUES (API keys, issued policies and signatures)
// wherever they appear. Prose is never rewritten: a rule title that says "HTTP Basic with the API key"
// stays as written. The report writer only DETECTS a known secret left in a text (findKnownSecrets) and
// refuses to write it (docs/decisions/0134-redaction-by-structure.md).

export const REDACTED = '[redacted]';

const SECRET_FIELD = /^(authorization|policy|x-amz-signature|x-amz-credential|x-amz-security-token|signature|awsaccesskeyid)$/i;

/** Removes the query string of a URL (presigned download URLs carry their signature there). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?${REDACTED}`;
}

export function isSecretName(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** A copy of a header or form-field map with secret values replaced. */
export function redactRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k] = isSecretName(k) ? REDACTED : v;
  return out;
}

/** Shorter strings are not treated as secrets (they would match ordinary words). */
const MIN_SECRET_LENGTH = 4;

/**
 * Every form in which a known secret can travel: as is, URL-encoded (a form body, a query string) and,
 * for an API key, inside HTTP Basic credentials (base64 of `key:`, the way Ashby's keys are sent).
 */
function secretForms(secrets: readonly string[]): string[] {
  if (!Object.isFrozen(secrets)) return computeForms(secrets);
  let cached = formsOf.get(secrets);
  if (cached === undefined) formsOf.set(secrets, (cached = computeForms(secrets)));
  return cached;
}

/** The forms of a frozen secrets array (it cannot change, so neither can they): a run's SecretSet hands
 * the same one to every redaction of its exchanges, several header values per request. */
const formsOf = new WeakMap<readonly string[], string[]>();

function computeForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(Buffer.from(`${s}:`).toString('base64').replace(/=+$/, ''));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Redacts, in a text recorded from the wire (a body, a header value, a curl line): the known secret values
 * in every form, and values that stand under a secret NAME — a URL query parameter, a JSON member, a
 * multipart part or an Authorization header line. Anchored on those names only, so prose is untouched.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secretForms(secrets)) out = out.split(s).join(REDACTED);
  return out
    .replace(/(\bauthorization["']?\s*[:=]\s*["']?(?:Basic|Bearer)\s+)[A-Za-z0-9+/=._-]+/gi, `$1${REDACTED}`)
    .replace(/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|token)=)[^&\s"'<\\]+/gi, `$1${REDACTED}`)
    .replace(/("(?:Policy|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)"\s*:\s*")[^"]*"/gi, `$1${REDACTED}"`)
    .replace(/(name="(?:Policy|X-Amz-Signature|X-Amz-Credential)"\r?\n\r?\n)[^\r\n]*/gi, `$1${REDACTED}`);
}

/**
 * A copy of a JSON-shaped model with the known secret values (in every form) removed from every string,
 * keys included. For the models whose texts come from a target the harness does not control (a load
 * run's error reasons, a client's JSON bodies); applied once, where the model is built.
 */
export function redactKnownSecrets<T>(model: T, secrets: readonly string[]): T {
  const forms = secretForms(secrets);
  if (forms.length === 0) return model;
  const scrub = (s: string): string => (forms.some((f) => s.includes(f)) ? forms.reduce((t, f) => t.split(f).join(REDACTED), s) : s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    return v;
  };
  return walk(model) as T;
}

/** Which known secrets (by position in `secrets`) a text still holds, in any of their forms. */
export function findKnownSecrets(text: string, secrets: readonly string[]): number[] {
  return secrets.flatMap((s, i) => (secretForms([s]).some((f) => text.includes(f)) ? [i] : []));
}
