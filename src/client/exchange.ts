// Every request the client sends is recorded as an Exchange, already redacted, so that a failing check
// can show what went over the wire (and a curl line to reproduce it) without ever leaking a secret.
import { REDACTED, isSecretName, redactRecord, redactText, redactUrl } from '../config/redact.ts';
import type { Exchange } from '../results/exchange.ts';

export type { Exchange } from '../results/exchange.ts';

const MAX_BODY_CHARS = 4000;

/** Known secret strings of a run (API keys, policies, signatures seen), removed wherever they appear. */
export class SecretSet {
  private readonly values = new Set<string>();
  /** The values as a frozen array, kept until one is added: redactText computes (and orders, longest
   * first) the forms of a frozen array once. */
  private frozen: readonly string[] | undefined;
  add(...values: Array<string | undefined>): void {
    for (const v of values) {
      if (v === undefined || v.length < 4 || this.values.has(v)) continue;
      this.values.add(v);
      // The same secret URL-encoded (a form body, a query string) must not slip through either.
      this.values.add(encodeURIComponent(v));
      this.frozen = undefined;
    }
  }
  /** Every secret-named field of a presigned form (Policy, X-Amz-Signature, …) becomes a secret. */
  addFields(fields: Record<string, string>): void {
    for (const [k, v] of Object.entries(fields)) if (isSecretName(k)) this.add(v);
  }
  redact(text: string): string {
    this.frozen ??= Object.freeze([...this.values]);
    return redactText(text, this.frozen);
  }
}

export function truncate(text: string, max = MAX_BODY_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

export function redactHeaders(headers: Record<string, string>, secrets: SecretSet): Record<string, string> {
  const out = redactRecord(headers);
  for (const k of Object.keys(out)) out[k] = secrets.redact(out[k]!);
  return out;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** curl for a JSON API call. The key is referenced as an environment variable, never written out. */
export function curlForJson(url: string, keyEnvVar: string | undefined, body: string, contentType = 'application/json'): string {
  const auth = keyEnvVar ? ` -u "$${keyEnvVar}:"` : '';
  return `curl -sS -X POST ${shellQuote(redactUrl(url))}${auth} -H ${shellQuote(`Content-Type: ${contentType}`)} --data-raw ${shellQuote(body)}`;
}

/** curl for the presigned multipart POST: fields in order (secret values redacted), the file last. */
export function curlForUpload(url: string, fields: ReadonlyArray<readonly [string, string]>, filename: string, fileAt: 'last' | number = 'last'): string {
  const parts = fields.map(([k, v]) => `-F ${shellQuote(`${k}=${isSecretName(k) ? REDACTED : v}`)}`);
  const file = `-F ${shellQuote(`file=@${filename}`)}`;
  if (fileAt === 'last') parts.push(file);
  else parts.splice(fileAt, 0, file);
  return `curl -sS -X POST ${shellQuote(redactUrl(url))} ${parts.join(' ')}`;
}

export function curlForGet(url: string): string {
  return `curl -sS ${shellQuote(redactUrl(url))} -o downloaded.bin`;
}

/** Collects the exchanges of one check (one recorder per check, so a failure shows only its own). */
export class ExchangeRecorder {
  readonly exchanges: Exchange[] = [];
  record(exchange: Exchange): void {
    this.exchanges.push(exchange);
  }
}
