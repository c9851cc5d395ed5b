// The storage endpoint enforces the POST policy as S3 does: every altered form is rejected with S3's
// status and code, and nothing is stored (the handle stays unusable for its follow-up call).
import { check, suite, type CheckContext } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { expectStorageError } from '../src/conformance/assert.ts';
import { createHandle, expectNothingStored, fieldValue, randomFile, upload, withField, withoutField, type Handle, type UploadOverrides } from '../src/conformance/fixtures.ts';

const SIZE = 64;

/** Creates a 64-byte CandidateFiles handle, sends the altered upload, expects S3's rejection. */
async function rejected(c: CheckContext, alter: (h: Handle) => UploadOverrides, status: number, code: string, what: string, messagePrefix?: string): Promise<void> {
  const h = await createHandle(c, { context: 'CandidateFiles', bytes: randomFile(SIZE), filename: 'policy.pdf' });
  expectStorageError(await upload(c, h, alter(h)), status, code, what, messagePrefix);
  await expectNothingStored(c, h, 'CandidateFiles');
}

const flipLast = (v: string) => `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`;

/** A policy re-encoded with a later expiration: a valid-looking document the signature no longer covers. */
function extendPolicy(policy: string): string {
  const doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration: string };
  doc.expiration = new Date(Date.parse(doc.expiration) + 86_400_000).toISOString();
  return Buffer.from(JSON.stringify(doc)).toString('base64');
}

suite('storage', () => {
  check({ id: 'storage.size.too-large', title: 'more bytes than contentLength → 400 EntityTooLarge, nothing stored', level: 'SHOULD', source: `${S.s3Range} (the policy pinning contentLength is inferred)` }, (c) => rejected(c, () => ({ file: { bytes: randomFile(SIZE + 1) } }), 400, 'EntityTooLarge', 'one byte more than contentLength'));
  check({ id: 'storage.size.too-small', title: 'fewer bytes than contentLength → 400 EntityTooSmall, nothing stored', level: 'SHOULD', source: `${S.s3Range} (the policy pinning contentLength is inferred)` }, (c) => rejected(c, () => ({ file: { bytes: randomFile(SIZE - 1) } }), 400, 'EntityTooSmall', 'one byte less than contentLength'));
  check({ id: 'storage.content-type.changed', title: 'a different Content-Type field → 403 AccessDenied, nothing stored', level: 'SHOULD', source: `${S.s3Cond} (the policy pinning contentType is inferred)` }, (c) =>
    rejected(c, (h) => ({ fields: withField(h.fields, 'Content-Type', () => 'text/html') }), 403, 'AccessDenied', 'a different Content-Type', 'Invalid according to Policy'),
  );
  check({ id: 'storage.key.changed', title: 'a changed key → 403 AccessDenied, nothing stored', level: 'MUST', source: S.s3Cond }, (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'key', (k) => `${k}-changed`) }), 403, 'AccessDenied', 'a changed key', 'Invalid according to Policy'));
  check({ id: 'storage.policy.tampered', title: 'a tampered Policy → 403 SignatureDoesNotMatch, nothing stored', level: 'MUST', source: S.s3Sig }, (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'Policy', extendPolicy) }), 403, 'SignatureDoesNotMatch', 'a policy re-written with a later expiration'));
  check({ id: 'storage.signature.tampered', title: 'a tampered X-Amz-Signature → 403 SignatureDoesNotMatch, nothing stored', level: 'MUST', source: S.s3Sig }, (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'X-Amz-Signature', flipLast) }), 403, 'SignatureDoesNotMatch', 'a tampered signature'));
  check({ id: 'storage.field.missing', title: 'a missing X-Amz-Signature field → 400 InvalidArgument, nothing stored', level: 'MUST', source: S.s3Sig }, (c) => rejected(c, (h) => ({ fields: withoutField(h.fields, 'X-Amz-Signature') }), 400, 'InvalidArgument', 'a form without X-Amz-Signature'));
  check({ id: 'storage.field.extra', title: 'an extra form field not in the policy → 403 AccessDenied, nothing stored', level: 'MUST', source: `${S.s3Cond}: every field must be covered` }, (c) =>
    rejected(c, (h) => ({ fields: [...h.fields, ['x-amz-meta-injected', 'yes']] }), 403, 'AccessDenied', 'an extra field', 'Invalid according to Policy: Extra input fields'),
  );
  check({ id: 'storage.file-not-last', title: 'key sent after the file → 400 InvalidArgument (key missing), nothing stored', level: 'MUST', source: `${S.s3Post}: the file must be the last field` }, (c) =>
    rejected(c, (h) => ({ fields: withoutField(h.fields, 'key'), fieldsAfterFile: [['key', fieldValue(h.fields, 'key')!]] }), 400, 'InvalidArgument', 'key sent after the file'),
  );
  check({ id: 'storage.non-multipart', title: 'a body that is not multipart/form-data → 412 PreconditionFailed', level: 'MUST', source: S.s3Post }, async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles', bytes: randomFile(SIZE) });
    const body = h.fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    expectStorageError(await c.storage.postRaw(h.results.url, `${body}&file=abc`, 'application/x-www-form-urlencoded'), 412, 'PreconditionFailed', 'a url-encoded body');
    await expectNothingStored(c, h, 'CandidateFiles');
  });
});
