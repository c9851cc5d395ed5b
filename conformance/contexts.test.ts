// Each upload context end to end: handle → presigned POST → follow-up → candidate.info → file.info →
// download, compared by SHA-256; sizes from 0 B to several MiB and awkward filenames.
import type { FileSource } from '../src/client/index.ts';
import { sha256Hex } from '../src/client/index.ts';
import { createFileUploadHandle, type FileHandleRef, type UploadContext } from '../src/protocol/index.ts';
import { check, suite, type CheckContext } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { classifyAnswer, describeApi, expectStorageOk, expectSuccess, fail } from '../src/conformance/assert.ts';
import { candidateId, createHandle, expectStoredBytes, followUp, getCandidate, randomFile, upload, uploadedHandle, withTempFile } from '../src/conformance/fixtures.ts';

const MULTI_MIB = 5 * 1024 * 1024 + 123;
const UNICODE_NAME = 'Lebenslauf résumé 履歴書 — v2 (final).pdf';

/** Upload through `context`, attach with its follow-up, and return the candidate's new file entry. */
async function attach(c: CheckContext, context: Exclude<UploadContext, 'ApplicationForm'>, spec: { filename?: string; bytes?: Uint8Array; size?: number; file?: FileSource }): Promise<FileHandleRef> {
  const id = await candidateId(c);
  const before = new Set((await getCandidate(c, id)).fileHandles.map((f) => f.id));
  const h = await createHandle(c, { context, filename: spec.filename, bytes: spec.bytes, size: spec.size });
  expectStorageOk(await upload(c, h, spec.file ? { file: spec.file } : {}), 'the documented presigned upload');
  expectSuccess(await followUp(c, context, h.results.handle), 'candidate.response', context === 'CandidateResume' ? 'candidate.uploadResume' : 'candidate.uploadFile');
  const after = await getCandidate(c, id);
  if (context === 'CandidateResume') {
    if (!after.resumeFileHandle) fail('candidate.info has no resumeFileHandle after uploadResume', 'results.resumeFileHandle {id, name, handle}', 'absent');
    return after.resumeFileHandle;
  }
  // Other suites may attach files to the same candidate meanwhile: prefer the new entry with our name.
  const fresh = after.fileHandles.filter((f) => !before.has(f.id));
  const added = fresh.find((f) => f.name === h.filename) ?? fresh[0];
  if (!added) fail('candidate.info lists no new fileHandles[] entry after uploadFile', 'one more entry in results.fileHandles', `${after.fileHandles.length} entries, none new`);
  return added;
}

// Sequential: the checks attach to one candidate and identify their entry by what is new.
suite('contexts', () => {
  check({ id: 'ctx.resume.roundtrip', title: 'CandidateResume: upload → uploadResume → candidate.info → file.info → same SHA-256', level: 'MUST', source: `${S.handle}; ${S.cand}; ${S.file}`, needs: ['candidate'] }, async (c) => {
    const bytes = randomFile(2048);
    const ref = await attach(c, 'CandidateResume', { bytes });
    await expectStoredBytes(c, ref.handle, bytes);
  });

  check({ id: 'ctx.files.roundtrip', title: 'CandidateFiles: upload → uploadFile → a new fileHandles[] entry → same SHA-256', level: 'MUST', source: `${S.handle}; ${S.cand}; ${S.file}`, needs: ['candidate'] }, async (c) => {
    const bytes = randomFile(3000);
    const ref = await attach(c, 'CandidateFiles', { bytes });
    await expectStoredBytes(c, ref.handle, bytes);
  });

  check({ id: 'ctx.files.name', title: 'the new fileHandles[] entry is named like the uploaded file', level: 'SHOULD', source: S.inferred, needs: ['candidate'] }, async (c) => {
    const ref = await attach(c, 'CandidateFiles', { filename: 'named-file.pdf' });
    if (ref.name !== 'named-file.pdf') fail('the new entry is not named like the upload', 'name "named-file.pdf"', `name "${ref.name}"`);
  });

  check({ id: 'ctx.form.submit', title: 'ApplicationForm: upload → applicationForm.submit (JSON) with the handle as File value', level: 'MUST', source: `${S.handle}; ${S.form}`, needs: ['job-posting'] }, async (c) => {
    const h = await uploadedHandle(c, { context: 'ApplicationForm' });
    const results = expectSuccess(await followUp(c, 'ApplicationForm', h.results.handle), 'applicationForm.submit.response', 'applicationForm.submit');
    c.observe(`formMessages.blocked = ${String((results as { formMessages?: { blocked?: boolean } }).formMessages?.blocked)}`);
  });

  check({ id: 'ctx.size.zero', title: 'a 0-byte file (recorded: accepted or refused)', level: 'INFO', source: `${S.handle}: contentLength has no documented minimum` }, async (c) => {
    const res = await c.api.call(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'empty.txt', contentType: 'text/plain', contentLength: 0 }), c.keys.full);
    if (classifyAnswer(res, 'a handle request with contentLength 0') === 'refused') return c.observe(`contentLength 0 refused: ${describeApi(res)}`);
    const h = await createHandle(c, { context: 'CandidateFiles', filename: 'empty.txt', contentType: 'text/plain', bytes: new Uint8Array(0) });
    const up = await upload(c, h);
    c.observe(`contentLength 0 accepted; the empty upload was ${classifyAnswer(up, 'the 0-byte upload')} (HTTP ${up.status})`);
  });

  check({ id: 'ctx.size.one-byte', title: 'a 1-byte file round-trips', level: 'MUST', source: S.handle, needs: ['candidate'] }, async (c) => {
    const bytes = Uint8Array.of(0x42);
    await expectStoredBytes(c, (await attach(c, 'CandidateFiles', { bytes })).handle, bytes);
  });

  check(
    { id: 'ctx.size.multi-mib', title: 'a multi-MiB file streamed from disk round-trips', level: 'MUST', source: S.handle, needs: ['candidate'] },
    async (c) => {
      await withTempFile(MULTI_MIB, async (path, sha256) => {
        const ref = await attach(c, 'CandidateFiles', { filename: 'large.bin', bytes: new Uint8Array(0), size: MULTI_MIB, file: { path } });
        await expectStoredBytes(c, ref.handle, sha256);
      });
    },
    { timeoutMs: 120_000 },
  );

  check({ id: 'ctx.filename.unicode', title: 'a file named with spaces and non-ASCII characters round-trips', level: 'MUST', source: S.handle, needs: ['candidate'] }, async (c) => {
    const bytes = randomFile(500);
    await expectStoredBytes(c, (await attach(c, 'CandidateFiles', { filename: UNICODE_NAME, bytes })).handle, sha256Hex(bytes));
  });

  check({ id: 'ctx.filename.preserved', title: 'the stored name equals the unicode filename', level: 'SHOULD', source: S.inferred, needs: ['candidate'] }, async (c) => {
    const ref = await attach(c, 'CandidateFiles', { filename: UNICODE_NAME });
    if (ref.name !== UNICODE_NAME) fail('the stored name differs from the uploaded filename', `name "${UNICODE_NAME}"`, `name "${ref.name}"`);
  });
}, { sequential: true });
