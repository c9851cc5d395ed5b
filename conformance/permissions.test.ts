// Authentication and permissions (Ashby docs: authentication): no key → 401, unknown key → 403, a key without
// candidatesWrite → 403 missing_endpoint_permission on the handle call and every follow-up write;
// another organisation's key is refused.
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { candidateInfo, createCandidate, createFileUploadHandle, submitApplicationForm, uploadFile, uploadResume, type Candidate } from '../src/protocol/index.ts';
import { check, type CheckContext } from '../src/conformance/check.ts';
import { classifyAnswer, describeApi, expectApiError, expectPermissionDenied, expectRefused, expectStatus, expectSuccess } from '../src/conformance/assert.ts';
import { candidateId, uploadedHandle } from '../src/conformance/fixtures.ts';

const handleRequest = createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'auth.pdf', contentType: 'application/pdf', contentLength: 10 });
const unknownKey = () => ({ value: `unknown-key-${randomUUID()}`, envVar: 'UNKNOWN_API_KEY' });
/** Permission is checked before the body, so any well-formed ids do; the target's own when known. */
const someCandidate = (c: CheckContext) => c.target.candidateId ?? randomUUID();

describe.concurrent('permissions', () => {
  check('auth.missing-key.401', async (c) => expectStatus(await c.api.call(handleRequest, undefined), 401, 'a request without Authorization'));

  check('auth.unknown-key.403', async (c) => expectStatus(await c.api.call(handleRequest, unknownKey()), 403, 'a request with an unknown key'));

  check('auth.limited-key.handle.403', async (c) => expectPermissionDenied(await c.api.call(handleRequest, c.keys.limited), 'file.createFileUploadHandle with a limited key'));

  check('auth.limited-key.upload-resume.403', async (c) =>
    expectPermissionDenied(await c.api.call(uploadResume(someCandidate(c), 'any-handle'), c.keys.limited), 'candidate.uploadResume with a limited key'),
  );

  check('auth.limited-key.upload-file.403', async (c) =>
    expectPermissionDenied(await c.api.call(uploadFile(someCandidate(c), 'any-handle'), c.keys.limited), 'candidate.uploadFile with a limited key'),
  );

  check('auth.limited-key.form-submit.403', async (c) => {
    const req = submitApplicationForm({ jobPostingId: c.target.jobPostingId ?? randomUUID(), fieldSubmissions: [{ path: '_systemfield_resume', value: 'any-handle' }] });
    expectPermissionDenied(await c.api.call(req, c.keys.limited), 'applicationForm.submit with a limited key');
  });

  check('auth.other-org.handle-refused', async (c) => {
    // The other organisation attaches org A's handle to ITS OWN candidate: only the handle's binding
    // to org A can make this fail (using org A's candidate would be refused for another reason).
    const other = c.keys.otherOrg!;
    const theirs = expectSuccess(await c.api.call<Candidate>(createCandidate('Conformance Other Org', `conformance-other+${Date.now()}@example.com`), other), 'candidate.response', 'candidate.create (other organisation)');
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await c.api.call(uploadResume(theirs.id, h.results.handle), other), "candidate.uploadResume with another organisation's handle");
  });

  check('auth.other-org.candidate-refused', async (c) => {
    expectRefused(await c.api.call(candidateInfo(await candidateId(c)), c.keys.otherOrg!), "candidate.info of this organisation's candidate with another organisation's key");
  });

  check('auth.error-body', async (c) => {
    const missing = await c.api.call(handleRequest, undefined);
    const unknown = await c.api.call(handleRequest, unknownKey());
    c.observe(`no key: ${classifyAnswer(missing, 'a request without Authorization')}, ${describeApi(missing)}`);
    c.observe(`unknown key: ${classifyAnswer(unknown, 'a request with an unknown key')}, ${describeApi(unknown)}`);
  });
});
