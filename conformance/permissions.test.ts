// Authentication and permissions (Ashby docs: authentication): no key → 401, unknown key → 403, a key without
// candidatesWrite → 403 missing_endpoint_permission on the handle call and every follow-up write;
// another organisation's key is refused.
import { randomUUID } from 'node:crypto';
import { candidateInfo, createCandidate, createFileUploadHandle, submitApplicationForm, uploadFile, uploadResume, type Candidate } from '../src/protocol/index.ts';
import { check, suite, type CheckContext } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { classifyAnswer, describeApi, expectApiError, expectPermissionDenied, expectRefused, expectStatus, expectSuccess } from '../src/conformance/assert.ts';
import { candidateId, uploadedHandle } from '../src/conformance/fixtures.ts';

const handleRequest = createFileUploadHandle({ fileUploadContext: 'CandidateResume', filename: 'auth.pdf', contentType: 'application/pdf', contentLength: 10 });
const unknownKey = () => ({ value: `unknown-key-${randomUUID()}`, envVar: 'UNKNOWN_API_KEY' });
/** Permission is checked before the body, so any well-formed ids do; the target's own when known. */
const someCandidate = (c: CheckContext) => c.target.candidateId ?? randomUUID();

suite('permissions', () => {
  check({ id: 'auth.missing-key.401', title: 'no Authorization header → 401', level: 'MUST', source: S.auth }, async (c) => expectStatus(await c.api.call(handleRequest, undefined), 401, 'a request without Authorization'));

  check({ id: 'auth.unknown-key.403', title: 'an unknown API key → 403', level: 'MUST', source: S.auth }, async (c) => expectStatus(await c.api.call(handleRequest, unknownKey()), 403, 'a request with an unknown key'));

  check({ id: 'auth.limited-key.handle.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on file.createFileUploadHandle', level: 'MUST', source: `${S.auth}; ${S.handle}`, needs: ['limited-key'] }, async (c) => expectPermissionDenied(await c.api.call(handleRequest, c.keys.limited), 'file.createFileUploadHandle with a limited key'));

  check({ id: 'auth.limited-key.upload-resume.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on candidate.uploadResume', level: 'MUST', source: `${S.auth}; ${S.cand}`, needs: ['limited-key'] }, async (c) =>
    expectPermissionDenied(await c.api.call(uploadResume(someCandidate(c), 'any-handle'), c.keys.limited), 'candidate.uploadResume with a limited key'),
  );

  check({ id: 'auth.limited-key.upload-file.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on candidate.uploadFile', level: 'MUST', source: `${S.auth}; ${S.cand}`, needs: ['limited-key'] }, async (c) =>
    expectPermissionDenied(await c.api.call(uploadFile(someCandidate(c), 'any-handle'), c.keys.limited), 'candidate.uploadFile with a limited key'),
  );

  check({ id: 'auth.limited-key.form-submit.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on applicationForm.submit', level: 'MUST', source: `${S.auth}; ${S.form}`, needs: ['limited-key'] }, async (c) => {
    const req = submitApplicationForm({ jobPostingId: c.target.jobPostingId ?? randomUUID(), fieldSubmissions: [{ path: '_systemfield_resume', value: 'any-handle' }] });
    expectPermissionDenied(await c.api.call(req, c.keys.limited), 'applicationForm.submit with a limited key');
  });

  check({ id: 'auth.other-org.handle-refused', title: "another organisation's key cannot use this organisation's handle", level: 'SHOULD', source: `${S.inferred}: handles are bound to their organisation`, needs: ['other-org-key', 'candidate', 'writes'] }, async (c) => {
    // The other organisation attaches org A's handle to ITS OWN candidate: only the handle's binding
    // to org A can make this fail (using org A's candidate would be refused for another reason).
    const other = c.keys.otherOrg!;
    const theirs = expectSuccess(await c.api.call<Candidate>(createCandidate('Conformance Other Org', `conformance-other+${Date.now()}@example.com`), other), 'candidate.response', 'candidate.create (other organisation)');
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await c.api.call(uploadResume(theirs.id, h.results.handle), other), "candidate.uploadResume with another organisation's handle");
  });

  check({ id: 'auth.other-org.candidate-refused', title: "another organisation's key cannot read this organisation's candidate", level: 'SHOULD', source: `${S.inferred}: data is per organisation`, needs: ['other-org-key', 'candidate'] }, async (c) => {
    expectRefused(await c.api.call(candidateInfo(await candidateId(c)), c.keys.otherOrg!), "candidate.info of this organisation's candidate with another organisation's key");
  });

  check({ id: 'auth.error-body', title: 'body of the 401/403 answers (recorded)', level: 'INFO', source: `${S.auth}: "a human-readable response", shape not documented` }, async (c) => {
    const missing = await c.api.call(handleRequest, undefined);
    const unknown = await c.api.call(handleRequest, unknownKey());
    c.observe(`no key: ${classifyAnswer(missing, 'a request without Authorization')}, ${describeApi(missing)}`);
    c.observe(`unknown key: ${classifyAnswer(unknown, 'a request with an unknown key')}, ${describeApi(unknown)}`);
  });
});
