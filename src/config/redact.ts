// Secrets never reach logs, reports or transcripts: Authorization headers, API keys, X-Amz-Signature,
// Policy values, X-Amz-Credential and presigned URLs' query strings are replaced by a marker.

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

/**
 * Redacts known secret values and secret-looking patterns anywhere in free text (bodies, curl lines).
 * `secrets` are the exact strings in play (API keys, policies) so that they are removed wherever they
 * appear, even inside JSON or Base64 Basic credentials.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out
    .replace(/(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/g, `$1 ${REDACTED}`)
    .replace(/([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|sig|token)=)[^&\s"'<\\]+/gi, `$1${REDACTED}`)
    .replace(/("(?:Policy|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)"\s*:\s*")[^"]*"/gi, `$1${REDACTED}"`)
    .replace(/(name="(?:Policy|X-Amz-Signature|X-Amz-Credential)"\r?\n\r?\n)[^\r\n]*/gi, `$1${REDACTED}`);
}
