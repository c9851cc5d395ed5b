// What a handle may be used for: only after its upload, only by its context's follow-up call. What the
// docs leave open (unknown handles, reuse) is recorded as INFO.
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { check } from '../src/conformance/check.ts';
import { classifyAnswer, describeApi, expectApiError } from '../src/conformance/assert.ts';
import { createHandle, followUp, uploadedHandle } from '../src/conformance/fixtures.ts';

describe.concurrent('lifecycle', () => {
  check('lifecycle.handle.unknown', async (c) => {
    const res = await followUp(c, 'CandidateFiles', Buffer.from(JSON.stringify({ handle: randomUUID() })).toString('base64'));
    c.observe(classifyAnswer(res, 'the follow-up with an unknown handle') === 'accepted' ? 'an unknown handle was ACCEPTED' : `an unknown handle is refused: ${describeApi(res)}`);
  });

  check('lifecycle.handle.before-upload', async (c) => {
    const h = await createHandle(c, { context: 'CandidateFiles' });
    expectApiError(await followUp(c, 'CandidateFiles', h.results.handle), 'candidate.uploadFile with a handle whose file was never uploaded');
  });

  check('lifecycle.wrong-context.resume', async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateFiles' });
    expectApiError(await followUp(c, 'CandidateResume', h.results.handle), 'candidate.uploadResume with a CandidateFiles handle');
  });

  check('lifecycle.wrong-context.files', async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await followUp(c, 'CandidateFiles', h.results.handle), 'candidate.uploadFile with a CandidateResume handle');
  });

  check('lifecycle.wrong-context.form', async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateResume' });
    expectApiError(await followUp(c, 'ApplicationForm', h.results.handle), 'applicationForm.submit with a CandidateResume handle');
  });

  check('lifecycle.handle.reuse', async (c) => {
    const h = await uploadedHandle(c, { context: 'CandidateFiles' });
    const first = await followUp(c, 'CandidateFiles', h.results.handle);
    const second = await followUp(c, 'CandidateFiles', h.results.handle);
    c.observe(`first use: ${classifyAnswer(first, 'the first use of the handle') === 'accepted' ? 'accepted' : `refused: ${describeApi(first)}`}`);
    c.observe(`second use: ${classifyAnswer(second, 'the second use of the handle') === 'accepted' ? 'accepted (handles are reusable)' : `refused: ${describeApi(second)}`}`);
  });
});
