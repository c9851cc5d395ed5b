// Envelopes and schemas: every answer is validated against schemas/*.json with Ajv; a failure names
// the instance path and the keyword.
import { describe } from 'vitest';
import { candidateInfo, createFileUploadHandle } from '../src/protocol/index.ts';
import { check } from '../src/conformance/check.ts';
import { classifyAnswer, describeApi, describeStorage, expectApiError, expectSchema, expectSuccess, fail } from '../src/conformance/assert.ts';
import { candidateId, createHandle, upload, withField } from '../src/conformance/fixtures.ts';

const invalidContext = { fileUploadContext: 'NotAContext', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 };

describe.concurrent('envelope', () => {
  check('envelope.handle.schema', async (c) => {
    const res = await c.api.call(createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'schema.pdf', contentType: 'application/pdf', contentLength: 10 }), c.keys.full);
    expectSuccess(res, 'file.createFileUploadHandle.response', 'file.createFileUploadHandle');
  });

  check('envelope.handle.content-type', async (c) => {
    const ok = await c.api.call(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'ct.pdf', contentType: 'application/pdf', contentLength: 10 }), c.keys.full);
    const err = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    for (const res of [ok, err]) {
      if (!/^application\/json\b/i.test(res.headers['content-type'] ?? '')) fail('an API answer is not declared as JSON', 'Content-Type: application/json', `Content-Type: ${res.headers['content-type'] ?? '(none)'}`);
    }
  });

  check('envelope.error.schema', async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    if (res.envelope.kind === 'success') fail('an invalid request was accepted', 'an error envelope', describeApi(res));
    expectSchema('error-envelope', res.json, 'the error body');
  });

  check('envelope.error.http-200', async (c) => {
    expectApiError(await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full), 'an invalid fileUploadContext');
  });

  check('envelope.error.request-id', async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    if (classifyAnswer(res, 'an invalid fileUploadContext') === 'accepted') return c.observe('the invalid request was accepted: no errorInfo to inspect');
    const info = (res.json as { errorInfo?: { requestId?: unknown } } | undefined)?.errorInfo;
    c.observe(typeof info?.requestId === 'string' ? `errorInfo.requestId present (${info.requestId.length} characters)` : 'errorInfo.requestId absent');
  });

  check('envelope.candidate.schema', async (c) => {
    expectSuccess(await c.api.call(candidateInfo(await candidateId(c)), c.keys.full), 'candidate.response', 'candidate.info');
  });

  check('envelope.storage.success-204', async (c) => {
    const res = await upload(c, await createHandle(c, { context: 'CandidateFiles' }));
    if (res.status !== 204 || res.bytes.length !== 0) fail('storage did not answer as S3 does by default', 'HTTP 204 with an empty body', describeStorage(res));
  });

  check('envelope.storage.error-xml', async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles' });
    const res = await upload(c, h, { fields: withField(h.fields, 'X-Amz-Signature', (v) => `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`) });
    if (res.status < 400) fail('a tampered upload was accepted', 'an S3 error answer', describeStorage(res));
    expectSchema('storage-error', res.xml, 'the storage error body (XML parsed to JSON)');
  });
});
