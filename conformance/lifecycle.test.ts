// What a handle may be used for: only after its upload, only by its context's follow-up call. What the
// docs leave open (unknown handles, reuse) is recorded as INFO.
import { randomUUID } from 'node:crypto';
import { check, suite } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { classifyAnswer, describeApi, expectApiError } from '../src/conformance/assert.ts';
import { createHandle, followUp, uploadedHandle } from '../src/conformance/fixtures.ts';

suite('lifecycle', () => {
  check({ id: 'lifecycle.handle.unknown', title: 'a well-formed but unknown handle (recorded)', level: 'INFO', source: `${S.handle}: not stated`, needs: ['candidate'] }, async (c) => {
    const res = await followUp(c, 'CandidateFiles', Buffer.from(JSON.stringify({ handle: randomUUID() })).toString('base64'));
    c.observe(classifyAnswer(res, 'the follow-up with an unknown handle') === 'accepted' ? 'an unknown handle was ACCEPTED' : `an unknown handle is refused: ${describeApi(res)}`);
  });

  check({ id: 'lifecycle.handle.before-upload', title: 'a handle used before its upload → refused', level: 'SHOULD', source: `${S.handle}: pass the handle "after the file has been uploaded"`, needs: ['candidate'] }, async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles' });
    expectApiError(await followUp(c, 'CandidateFiles', h.results.handle), 'candidate.uploadFile with a handle whose file was never uploaded');
  });

  check({ id: 'lifecycle.wrong-context.resume', title: 'uploadResume refuses a CandidateFiles handle', level: 'MUST', source: `${S.cand}: "fileUploadContext must have been CandidateResume"`, needs: ['candidate'] }, async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateFiles' });
    expectApiError(await followUp(c, 'CandidateResume', h.results.handle), 'candidate.uploadResume with a CandidateFiles handle');
  });

  check({ id: 'lifecycle.wrong-context.files', title: 'uploadFile refuses a CandidateResume handle', level: 'MUST', source: `${S.cand}: a CandidateFiles handle`, needs: ['candidate'] }, async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await followUp(c, 'CandidateFiles', h.results.handle), 'candidate.uploadFile with a CandidateResume handle');
  });

  check({ id: 'lifecycle.wrong-context.form', title: 'applicationForm.submit refuses a CandidateResume handle', level: 'SHOULD', source: `${S.inferred}: the context enum exists`, needs: ['job-posting'] }, async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await followUp(c, 'ApplicationForm', h.results.handle), 'applicationForm.submit with a CandidateResume handle');
  });

  check({ id: 'lifecycle.handle.reuse', title: 'a handle used twice (recorded: second use accepted or refused)', level: 'INFO', source: `${S.handle}: single use is not stated`, needs: ['candidate'] }, async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateFiles' });
    const first = await followUp(c, 'CandidateFiles', h.results.handle);
    const second = await followUp(c, 'CandidateFiles', h.results.handle);
    c.observe(`first use: ${classifyAnswer(first, 'the first use of the handle') === 'accepted' ? 'accepted' : `refused: ${describeApi(first)}`}`);
    c.observe(`second use: ${classifyAnswer(second, 'the second use of the handle') === 'accepted' ? 'accepted (handles are reusable)' : `refused: ${describeApi(second)}`}`);
  });
});
