// Envelopes and schemas: every answer is validated against schemas/*.json with Ajv; a failure names
// the instance path and the keyword.
import { candidateInfo, createFileUploadHandle } from '../src/protocol/index.ts';
import { check, suite } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { classifyAnswer, describeApi, describeStorage, expectApiError, expectSchema, expectSuccess, fail } from '../src/conformance/assert.ts';
import { candidateId, createHandle, upload, withField } from '../src/conformance/fixtures.ts';

const invalidContext = { fileUploadContext: 'NotAContext', filename: 'a.pdf', contentType: 'application/pdf', contentLength: 1 };

suite('envelope', () => {
  check({ id: 'envelope.handle.schema', title: 'handle response is {success:true, results:{handle, url, fields of strings}}', level: 'MUST', source: `${S.handleSpec}: response` }, async (c) => {
    const res = await c.api.call(createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'schema.pdf', contentType: 'application/pdf', contentLength: 10 }), c.keys.full);
    expectSuccess(res, 'file.createFileUploadHandle.response', 'file.createFileUploadHandle');
  });

  check({ id: 'envelope.handle.content-type', title: 'API answers are application/json', level: 'MUST', source: `${S.handleSpec}: every response is declared application/json` }, async (c) => {
    const ok = await c.api.call(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'ct.pdf', contentType: 'application/pdf', contentLength: 10 }), c.keys.full);
    const err = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    for (const res of [ok, err]) {
      if (!/^application\/json\b/i.test(res.headers['content-type'] ?? '')) fail('an API answer is not declared as JSON', 'Content-Type: application/json', `Content-Type: ${res.headers['content-type'] ?? '(none)'}`);
    }
  });

  check({ id: 'envelope.error.schema', title: 'an error answer is {success:false, errors:[string], errorInfo:{code}}', level: 'MUST', source: S.errorSpec }, async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    if (res.envelope.kind === 'success') fail('an invalid request was accepted', 'an error envelope', describeApi(res));
    expectSchema('error-envelope', res.json, 'the error body');
  });

  check({ id: 'envelope.error.http-200', title: 'a validation error is HTTP 200 with success:false', level: 'MUST', source: S.errors }, async (c) => {
    expectApiError(await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full), 'an invalid fileUploadContext');
  });

  check({ id: 'envelope.error.request-id', title: 'errorInfo.requestId is present (recorded)', level: 'INFO', source: S.errorSpec }, async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify(invalidContext), c.keys.full);
    if (classifyAnswer(res, 'an invalid fileUploadContext') === 'accepted') return c.observe('the invalid request was accepted: no errorInfo to inspect');
    const info = (res.json as { errorInfo?: { requestId?: unknown } } | undefined)?.errorInfo;
    c.observe(typeof info?.requestId === 'string' ? `errorInfo.requestId present (${info.requestId.length} characters)` : 'errorInfo.requestId absent');
  });

  check({ id: 'envelope.candidate.schema', title: 'candidate.info answers the candidate object', level: 'MUST', source: S.cand, needs: ['candidate'] }, async (c) => {
    expectSuccess(await c.api.call(candidateInfo(await candidateId(c)), c.keys.full), 'candidate.response', 'candidate.info');
  });

  check({ id: 'envelope.storage.success-204', title: 'a successful storage POST answers 204 with an empty body', level: 'SHOULD', source: `${S.s3Post}: default success_action_status (storage being S3 is inferred)` }, async (c) => {
    const res = await upload(c, await createHandle(c, { context: 'CandidateFiles' }));
    if (res.status !== 204 || res.bytes.length !== 0) fail('storage did not answer as S3 does by default', 'HTTP 204 with an empty body', describeStorage(res));
  });

  check({ id: 'envelope.storage.error-xml', title: 'a storage rejection is S3 error XML {Error:{Code, Message, RequestId}}', level: 'MUST', source: S.s3Errors }, async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles' });
    const res = await upload(c, h, { fields: withField(h.fields, 'X-Amz-Signature', (v) => `${v.slice(0, -1)}${v.endsWith('0') ? '1' : '0'}`) });
    if (res.status < 400) fail('a tampered upload was accepted', 'an S3 error answer', describeStorage(res));
    expectSchema('storage-error', res.xml, 'the storage error body (XML parsed to JSON)');
  });
});
