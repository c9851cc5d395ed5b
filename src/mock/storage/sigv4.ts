// SigV4 primitives for browser POST policies (docs/sources.md: "S3 SigV4 POST authentication").
// The signing key chain costs four HMACs; it only depends on (secret, date, region, service), so it is
// derived once per day and region and cached — the presign hot path is then one HMAC per policy.
import { createHmac, hash, type KeyObject, timingSafeEqual } from 'node:crypto';

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

const SHA256_BLOCK = 64;

/**
 * HMAC-SHA256 under one fixed key, computed as RFC 2104 defines it — SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕
 * ipad) ‖ m)) — from two one-shot `crypto.hash` passes over buffers prepared once: the presigner signs
 * every policy with the same key (per second), and an `Hmac` object per policy (a stream-like wrapper
 * around a native context, collected by the GC) was the largest single cost of a handle request after
 * the socket write (docs/performance.md). Same bytes as createHmac (test/mock/storage-presign.test.ts).
 */
export class FixedKeyHmac {
  /** K ⊕ ipad, followed by room for the message (grown when a longer one comes). */
  private inner: Buffer;
  /** K ⊕ opad, followed by the inner digest. */
  private readonly outer = Buffer.alloc(SHA256_BLOCK + 32);
  private readonly ipad: Buffer;

  constructor(key: Buffer) {
    const k = key.length > SHA256_BLOCK ? hash('sha256', key, 'buffer') : key;
    this.ipad = Buffer.alloc(SHA256_BLOCK, 0x36);
    for (let i = 0; i < SHA256_BLOCK; i++) {
      this.ipad[i]! ^= k[i] ?? 0;
      this.outer[i] = 0x5c ^ (k[i] ?? 0);
    }
    this.inner = this.room(1024);
  }

  private room(bytes: number): Buffer {
    const b = Buffer.alloc(SHA256_BLOCK + bytes);
    this.ipad.copy(b);
    return b;
  }

  /** Lower-case hex HMAC of `message` (UTF-8). */
  hex(message: string): string {
    const bytes = Buffer.byteLength(message, 'utf8');
    if (SHA256_BLOCK + bytes > this.inner.length) this.inner = this.room(bytes * 2);
    this.inner.write(message, SHA256_BLOCK, 'utf8');
    hash('sha256', this.inner.subarray(0, SHA256_BLOCK + bytes), 'buffer').copy(this.outer, SHA256_BLOCK);
    return hash('sha256', this.outer, 'hex');
  }
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
