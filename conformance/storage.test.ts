// The storage endpoint enforces the POST policy as S3 does: every altered form is rejected with S3's
// status and code, and nothing is stored (the handle stays unusable for its follow-up call).
import { describe } from 'vitest';
import { check, type CheckContext } from '../src/conformance/check.ts';
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

describe.concurrent('storage', () => {
  check('storage.size.too-large', (c) => rejected(c, () => ({ file: { bytes: randomFile(SIZE + 1) } }), 400, 'EntityTooLarge', 'one byte more than contentLength'));
  check('storage.size.too-small', (c) => rejected(c, () => ({ file: { bytes: randomFile(SIZE - 1) } }), 400, 'EntityTooSmall', 'one byte less than contentLength'));
  check('storage.content-type.changed', (c) =>
    rejected(c, (h) => ({ fields: withField(h.fields, 'Content-Type', () => 'text/html') }), 403, 'AccessDenied', 'a different Content-Type', 'Invalid according to Policy'),
  );
  check('storage.key.changed', (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'key', (k) => `${k}-changed`) }), 403, 'AccessDenied', 'a changed key', 'Invalid according to Policy'));
  check('storage.policy.tampered', (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'Policy', extendPolicy) }), 403, 'SignatureDoesNotMatch', 'a policy re-written with a later expiration'));
  check('storage.signature.tampered', (c) => rejected(c, (h) => ({ fields: withField(h.fields, 'X-Amz-Signature', flipLast) }), 403, 'SignatureDoesNotMatch', 'a tampered signature'));
  check('storage.field.missing', (c) => rejected(c, (h) => ({ fields: withoutField(h.fields, 'X-Amz-Signature') }), 400, 'InvalidArgument', 'a form without X-Amz-Signature'));
  check('storage.field.extra', (c) =>
    rejected(c, (h) => ({ fields: [...h.fields, ['x-amz-meta-injected', 'yes']] }), 403, 'AccessDenied', 'an extra field', 'Invalid according to Policy: Extra input fields'),
  );
  check('storage.file-not-last', (c) =>
    rejected(c, (h) => ({ fields: withoutField(h.fields, 'key'), fieldsAfterFile: [['key', fieldValue(h.fields, 'key')!]] }), 400, 'InvalidArgument', 'key sent after the file'),
  );
  check('storage.non-multipart', async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles', bytes: randomFile(SIZE) });
    const body = h.fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    expectStorageError(await c.storage.postRaw(h.results.url, `${body}&file=abc`, 'application/x-www-form-urlencoded'), 412, 'PreconditionFailed', 'a url-encoded body');
    await expectNothingStored(c, h, 'CandidateFiles');
  });
});
