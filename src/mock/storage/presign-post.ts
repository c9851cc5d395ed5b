// An own SigV4 POST-policy signer that reproduces @aws-sdk/s3-presigned-post's createPresignedPost byte
// for byte (fields and their order, policy text, signature) for
//   Conditions = [["content-length-range", n, n]], Fields = {"Content-Type": ct}, Expires = ttlMs / 1000
// with a path-style endpoint. The SDK costs ~137 µs per call (docs/decisions/0010); this builds the same JSON text
// by concatenation and reuses the cached signing key (FixedKeyHmac), so a presign is one HMAC plus one Base64.
// The SDK's algorithm (SDKV3 dist-cjs): fields = {...Fields, bucket, X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Date}; conditions = Conditions, then {name: value} per field, then {key} or starts-with for a
// key ending in ${filename}; then {...fields, key, Policy, X-Amz-Signature}.
import type { PresignedPost, PresignPostInput, StorageCredentials } from './types.ts';
import { amzDate, FixedKeyHmac, iso8601Seconds, S3_SERVICE, SCOPE_TERMINATOR, SIGV4_ALGORITHM, type SigningKeyCache } from './sigv4.ts';

const FILENAME_VARIABLE = '${filename}';

/** The `key` condition exactly as the SDK writes it. */
function keyCondition(key: string): string {
  if (key.endsWith(FILENAME_VARIABLE)) {
    return JSON.stringify(['starts-with', '$key', key.substring(0, key.lastIndexOf(FILENAME_VARIABLE))]);
  }
  return `{"key":${JSON.stringify(key)}}`;
}

interface SigningContext {
  second: number;
  date: string;
  credential: string;
  /** HMAC under the day's signing key: the policy signature. */
  signer: FixedKeyHmac;
  /** The policy conditions that only depend on the second: bucket, algorithm, credential, date. */
  fixedConditions: string;
}

/** Presigns for one set of credentials; the per-second parts (dates, scope, signing key) are reused. */
export class PostPresigner {
  private context: SigningContext | undefined;
  private expiration: { second: number; text: string } | undefined;

  constructor(
    private readonly credentials: StorageCredentials,
    private readonly keys: SigningKeyCache,
  ) {}

  private signingContext(nowMs: number): SigningContext {
    const second = Math.floor(nowMs / 1000);
    if (this.context?.second === second) return this.context;
    const { accessKeyId, region, secretAccessKey } = this.credentials;
    const date = amzDate(nowMs);
    const shortDate = date.slice(0, 8);
    const credential = `${accessKeyId}/${shortDate}/${region}/${S3_SERVICE}/${SCOPE_TERMINATOR}`;
    this.context = {
      second,
      date,
      credential,
      signer: new FixedKeyHmac(this.keys.get(secretAccessKey, shortDate, region)),
      fixedConditions:
        `{"bucket":${JSON.stringify(this.credentials.bucket)}},` +
        `{"X-Amz-Algorithm":"${SIGV4_ALGORITHM}"},` +
        `{"X-Amz-Credential":${JSON.stringify(credential)}},` +
        `{"X-Amz-Date":"${date}"},`,
    };
    return this.context;
  }

  /** `expiration` as the SDK writes it: ISO 8601 of `new Date(now + Expires * 1000)` (Expires in seconds,
   * so a TTL that is not a whole number of seconds rounds exactly as there), whole seconds; the text is
   * reused while the expiration stays in the same second. */
  private expirationText(nowMs: number, ttlMs: number): string {
    const expirationMs = new Date(nowMs + (ttlMs / 1000) * 1000).getTime();
    const second = Math.floor(expirationMs / 1000);
    if (this.expiration?.second !== second) this.expiration = { second, text: JSON.stringify(iso8601Seconds(expirationMs)) };
    return this.expiration.text;
  }

  presign(input: PresignPostInput, bucketUrl: string, nowMs: number): PresignedPost {
    const { date, credential, signer, fixedConditions } = this.signingContext(nowMs);
    const { bucket } = this.credentials;
    const length = JSON.stringify(input.contentLength);
    const policyJson =
      `{"expiration":${this.expirationText(nowMs, input.ttlMs)},"conditions":[` +
      `["content-length-range",${length},${length}],` +
      `{"Content-Type":${JSON.stringify(input.contentType)}},` +
      fixedConditions +
      `${keyCondition(input.key)}]}`;
    const policy = Buffer.from(policyJson, 'utf8').toString('base64');
    return {
      url: bucketUrl,
      fields: {
        'Content-Type': input.contentType,
        bucket,
        'X-Amz-Algorithm': SIGV4_ALGORITHM,
        'X-Amz-Credential': credential,
        'X-Amz-Date': date,
        key: input.key,
        Policy: policy,
        'X-Amz-Signature': signer.hex(policy),
      },
    };
  }
}
