// The presigned URL expires after 10 minutes (Ashby docs: file.createFileUploadHandle) and storage
// enforces the policy expiration as S3 does. On the mock time moves through its clock control, so this file runs alone after the others
// (the runner's exclusive phase); on a real target only with --slow, waiting in real time, concurrently.
import { UPLOAD_URL_TTL_SECONDS } from '../src/protocol/index.ts';
import { check, suite, target } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { expectStorageError, expectStorageOk, fail } from '../src/conformance/assert.ts';
import { createHandle, expectNothingStored, fieldValue, letTimePass, parseAmzDate, upload } from '../src/conformance/fixtures.ts';

/** Tolerance between expiration and X-Amz-Date: both come from the signer's clock, within a second or two. */
const SKEW_SECONDS = 5;
const SLOW_TIMEOUT = (UPLOAD_URL_TTL_SECONDS + 120) * 1000;

// Sequential on the mock (its clock moves); decided when vitest collects the suite, not at import:
// building the catalogue imports this file with no target.
suite('expiry', () => {
  check({ id: 'expiry.policy.ttl-600s', title: 'policy expiration − X-Amz-Date = 600 s (± clock skew)', level: 'MUST', source: `${S.handle}: "The presigned URL expires after 10 minutes."` }, async (c) => {
    const h = await createHandle(c, { context: 'CandidateResume' });
    const policy = fieldValue(h.fields, 'Policy');
    const date = fieldValue(h.fields, 'X-Amz-Date');
    if (!policy || !date) fail('the presigned form has no Policy / X-Amz-Date field', 'S3 SigV4 POST fields Policy and X-Amz-Date', h.fields.map(([k]) => k).join(', '));
    let expiration: number;
    try {
      expiration = Date.parse((JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration: string }).expiration);
    } catch {
      fail('the Policy field is not Base64 JSON', 'Base64 of {"expiration": …, "conditions": […]}', 'unreadable policy');
    }
    const ttl = (expiration - parseAmzDate(date)) / 1000;
    if (!Number.isFinite(ttl) || Math.abs(ttl - UPLOAD_URL_TTL_SECONDS) > SKEW_SECONDS)
      fail('the upload URL does not expire after 10 minutes', `expiration − X-Amz-Date = ${UPLOAD_URL_TTL_SECONDS} s ± ${SKEW_SECONDS}`, `${ttl} s`);
  });

  check(
    { id: 'expiry.before-deadline.accepted', title: 'an upload shortly before the 10 minutes are over is accepted', level: 'MUST', source: S.handle, needs: ['slow'] },
    async (c) => {
      const h = await createHandle(c, { context: 'CandidateFiles' });
      await letTimePass(c, (UPLOAD_URL_TTL_SECONDS - 30) * 1000);
      expectStorageOk(await upload(c, h), 'an upload 30 s before the URL expires');
    },
    { timeoutMs: SLOW_TIMEOUT },
  );

  check(
    { id: 'storage.policy.expired', title: 'an upload after expiry → 403 AccessDenied "Invalid according to Policy: Policy expired."', level: 'MUST', source: S.s3Expiry, needs: ['slow'] },
    async (c) => {
      const h = await createHandle(c, { context: 'CandidateFiles' });
      await letTimePass(c, (UPLOAD_URL_TTL_SECONDS + 1) * 1000);
      expectStorageError(await upload(c, h), 403, 'AccessDenied', 'an upload after the URL expired', 'Invalid according to Policy: Policy expired.');
      await expectNothingStored(c, h, 'CandidateFiles');
    },
    { timeoutMs: SLOW_TIMEOUT },
  );
}, { sequential: () => Boolean(target().control) });
