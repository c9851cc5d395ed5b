// SigV4 authentication of a browser POST (docs/sources.md: "S3 SigV4 POST authentication", "S3 error responses"): auth-field
// completeness, algorithm, credential scope, access key, then the signature over the Base64 policy
// exactly as sent — before the policy is decoded, so a tampered policy is a SignatureDoesNotMatch.
import type { StorageCredentials } from './types.ts';
import { s3Errors } from './errors.ts';
import { S3_SERVICE, SCOPE_TERMINATOR, SIGV4_ALGORITHM, signString, signaturesEqual, type SigningKeyCache } from './sigv4.ts';

/** Auth fields in the order S3 reports the first missing one, with their canonical names. */
const AUTH_FIELDS = [
  ['x-amz-algorithm', 'X-Amz-Algorithm'],
  ['x-amz-credential', 'X-Amz-Credential'],
  ['x-amz-date', 'X-Amz-Date'],
  ['x-amz-signature', 'X-Amz-Signature'],
  ['policy', 'Policy'],
] as const;

export interface PostAuthOptions {
  credentials: StorageCredentials;
  keys: SigningKeyCache;
  checkSignature: boolean;
}

/** `fields`: lower-cased form field names → values. Returns the policy text (Base64) to decode. */
export function authenticatePost(fields: ReadonlyMap<string, string>, options: PostAuthOptions): string {
  const sigFieldsPresent = AUTH_FIELDS.some(([name]) => name !== 'policy' && fields.has(name));
  if (!sigFieldsPresent) {
    // The emulator is SigV4-only, like S3 regions opened after 2014.
    if (fields.has('awsaccesskeyid') || fields.has('signature')) throw s3Errors.sigV2NotSupported();
    // Anonymous (or policy-only) POST to a private bucket.
    throw s3Errors.accessDenied();
  }
  for (const [name, canonical] of AUTH_FIELDS) if (!fields.has(name)) throw s3Errors.missingField(canonical);

  const algorithm = fields.get('x-amz-algorithm')!;
  if (algorithm !== SIGV4_ALGORITHM) throw s3Errors.badAlgorithm(algorithm);
  const credential = fields.get('x-amz-credential')!;
  const parts = credential.split('/');
  if (parts.length !== 5 || !/^\d{8}$/.test(parts[1]!) || parts[4] !== SCOPE_TERMINATOR || parts[0] === '') {
    throw s3Errors.malformedCredential(credential);
  }
  const [accessKeyId, shortDate, region, service] = parts as [string, string, string, string, string];
  const date = fields.get('x-amz-date')!;
  if (!/^\d{8}T\d{6}Z$/.test(date)) throw s3Errors.badDate(date);
  const { credentials } = options;
  if (region !== credentials.region) throw s3Errors.wrongRegion(region, credentials.region, credential);
  if (service !== S3_SERVICE) throw s3Errors.wrongService(service, credential);
  if (accessKeyId !== credentials.accessKeyId) throw s3Errors.unknownAccessKey(accessKeyId);

  const policy = fields.get('policy')!;
  const provided = fields.get('x-amz-signature')!;
  if (options.checkSignature) {
    const expected = signString(options.keys.get(credentials.secretAccessKey, shortDate, region), policy);
    if (!signaturesEqual(expected, provided)) throw s3Errors.signatureMismatch(accessKeyId, policy, provided);
  }
  return policy;
}
