// SigV4 primitives for browser POST policies (S3 docs "Calculating a Signature", research §2.5).
// The signing key chain costs four HMACs; it only depends on (secret, date, region, service), so it is
// derived once per day and region and cached — the presign hot path is then one HMAC per policy.
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const S3_SERVICE = 's3';
export const SCOPE_TERMINATOR = 'aws4_request';

export function hmacSha256(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = hmacSha256(`AWS4${secret}`, shortDate);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, SCOPE_TERMINATOR);
}

/** Caches signing keys per (secret, date, region, service); bounded so a long run cannot grow it. */
export class SigningKeyCache {
  private readonly keys = new Map<string, Buffer>();
  get(secret: string, shortDate: string, region: string, service: string = S3_SERVICE): Buffer {
    const id = `${shortDate}\n${region}\n${service}\n${secret}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      if (this.keys.size >= 64) this.keys.clear();
      key = deriveSigningKey(secret, shortDate, region, service);
      this.keys.set(id, key);
    }
    return key;
  }
}

/** Lower-case hex HMAC of the string to sign (for POST: the Base64 policy exactly as sent). A KeyObject
 * key (the presigner's cached one) skips the per-call key preparation a Buffer key needs. */
export function signString(signingKey: Buffer | KeyObject, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures (length mismatch is simply "not equal"). */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** ISO8601 without milliseconds, as the SDK writes `expiration` (`2026-01-01T00:00:00Z`). */
export function iso8601Seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** SigV4 `x-amz-date` (`20260101T000000Z`). */
export function amzDate(ms: number): string {
  return iso8601Seconds(ms).replace(/[-:]/g, '');
}
