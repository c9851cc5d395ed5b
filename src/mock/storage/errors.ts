// S3 error responses: `<Error><Code/><Message/>…extras…<RequestId/><HostId/></Error>` as
// application/xml (docs/sources.md: "S3 error responses"). Codes, statuses and messages follow that catalogue; every
// place that rejects a request throws an S3Error built by one of the constructors below so the texts
// live in exactly one place.
import { randomBytes } from 'node:crypto';

export type ErrorExtras = ReadonlyArray<readonly [string, string]>;

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extras: ErrorExtras = [],
  ) {
    super(message);
  }
}

/** Escapes element content (quotes stay literal, as in S3's `<ETag>"…"</ETag>`). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function errorXml(error: S3Error): string {
  let extras = '';
  for (const [name, value] of error.extras) extras += `<${name}>${escapeXml(value)}</${name}>`;
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(32).toString('base64');
  return `${XML_DECLARATION}<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extras}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
}

const POLICY_PREFIX = 'Invalid according to Policy: ';

export const s3Errors = {
  notMultipart: () =>
    new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', [
      ['Condition', 'Bucket POST must be of the enclosure-type multipart/form-data'],
    ]),
  malformedPost: () =>
    new S3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.'),
  preDataTooLarge: () =>
    new S3Error(400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceding the upload file were too large.'),
  /** No part named `file`, or more than one (ArgumentValue: how many; decision 0132). */
  fileCount: (count: number) =>
    new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', [
      ['ArgumentName', 'file'],
      ['ArgumentValue', String(count)],
    ]),
  /** Also used for the auth fields: `name` in canonical case (`key`, `X-Amz-Signature`, `Policy`). */
  missingField: (name: string) =>
    new S3Error(400, 'InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, [
      ['ArgumentName', name],
      ['ArgumentValue', ''],
    ]),
  accessDenied: () => new S3Error(403, 'AccessDenied', 'Access Denied'),
  /** SigV2 forms in regions opened after 2014 (aws/aws-sdk-php#946). */
  sigV2NotSupported: () =>
    new S3Error(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.'),
  badAlgorithm: (value: string) =>
    new S3Error(400, 'InvalidArgument', 'Only AWS4-HMAC-SHA256 is supported', [
      ['ArgumentName', 'X-Amz-Algorithm'],
      ['ArgumentValue', value],
    ]),
  badDate: (value: string) =>
    new S3Error(400, 'InvalidArgument', 'X-Amz-Date must be formated via ISO8601 Long format', [
      ['ArgumentName', 'X-Amz-Date'],
      ['ArgumentValue', value],
    ]),
  malformedCredential: (value: string) =>
    new S3Error(400, 'InvalidArgument', 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".', [
      ['ArgumentName', 'x-amz-credential'],
      ['ArgumentValue', value],
    ]),
  wrongService: (service: string, value: string) =>
    new S3Error(400, 'InvalidArgument', `error parsing the X-Amz-Credential parameter; incorrect service "${service}". This endpoint belongs to "s3".`, [
      ['ArgumentName', 'X-Amz-Credential'],
      ['ArgumentValue', value],
    ]),
  wrongRegion: (given: string, expected: string, value: string) =>
    new S3Error(400, 'InvalidArgument', `the region '${given}' is wrong; expecting '${expected}'`, [
      ['ArgumentName', 'X-Amz-Credential'],
      ['ArgumentValue', value],
      ['Region', expected],
    ]),
  unknownAccessKey: (accessKeyId: string) =>
    new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', [
      ['AWSAccessKeyId', accessKeyId],
    ]),
  /** Echoes what the client sent (never the secret or the expected signature). */
  signatureMismatch: (accessKeyId: string, stringToSign: string, provided: string) =>
    new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', [
      ['AWSAccessKeyId', accessKeyId],
      ['StringToSign', stringToSign],
      ['SignatureProvided', provided],
      ['StringToSignBytes', [...Buffer.from(stringToSign, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ')],
    ]),
  invalidPolicy: (detail: string) => new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${detail}`),
  policyExpired: () => new S3Error(403, 'AccessDenied', `${POLICY_PREFIX}Policy expired.`),
  extraField: (lowerName: string) => new S3Error(403, 'AccessDenied', `${POLICY_PREFIX}Extra input fields: ${lowerName}`),
  conditionFailed: (echo: string) => new S3Error(403, 'AccessDenied', `${POLICY_PREFIX}Policy Condition failed: ${echo}`),
  tooLarge: (proposed: number, max: number) =>
    new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', [
      ['ProposedSize', String(proposed)],
      ['MaxSizeAllowed', String(max)],
    ]),
  tooSmall: (proposed: number, min: number) =>
    new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', [
      ['ProposedSize', String(proposed)],
      ['MinSizeAllowed', String(min)],
    ]),
  noSuchBucket: (bucket: string) =>
    new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', [['BucketName', bucket]]),
  noSuchKey: (key: string) => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', [['Key', key]]),
  /** The `random-5xx` fault on storage paths, as S3 throttles. */
  slowDown: () => new S3Error(503, 'SlowDown', 'Please reduce your request rate.'),
  requestExpired: () => new S3Error(403, 'AccessDenied', 'Request has expired'),
  downloadSignatureMismatch: () =>
    new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'),
} as const;
