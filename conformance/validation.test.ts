// Required fields and bad values: each must be refused the documented way (HTTP 200, success:false,
// an error code; Ashby docs: responses & errors), on file.createFileUploadHandle and on the follow-up calls.
import { randomUUID } from 'node:crypto';
import { check, suite, type CheckContext } from '../src/conformance/check.ts';
import { S } from '../src/conformance/check-sources.ts';
import { classifyAnswer, describeApi, expectApiError } from '../src/conformance/assert.ts';
import { candidateId, uploadedHandle } from '../src/conformance/fixtures.ts';

const VALID = { fileUploadContext: 'CandidateResume', filename: 'cv.pdf', contentType: 'application/pdf', contentLength: 1024 } as const;
type Field = keyof typeof VALID;

const WRONG_TYPE: Record<Field, unknown> = { fileUploadContext: 42, filename: 42, contentType: true, contentLength: '1024' };

/** Bad value kinds: [how a title says it, how it spoils the field]. */
const MUTATIONS: Record<string, readonly [string, (field: Field, body: Record<string, unknown>) => void]> = {
  missing: ['is missing', (f, b) => void delete b[f]],
  null: ['is null', (f, b) => void (b[f] = null)],
  'wrong-type': ['has the wrong JSON type', (f, b) => void (b[f] = WRONG_TYPE[f])],
  empty: ['is an empty string', (f, b) => void (b[f] = '')],
};

async function expectHandleRefused(c: CheckContext, body: unknown, what: string): Promise<void> {
  expectApiError(await c.api.raw('file.createFileUploadHandle', typeof body === 'string' ? body : JSON.stringify(body), c.keys.full), what);
}

suite('validation', () => {
  for (const field of Object.keys(VALID) as Field[]) {
    for (const [kind, [text, mutate]] of Object.entries(MUTATIONS)) {
      const title = `handle request whose ${field} ${text} → HTTP 200, success:false, a code`;
      check({ id: `validation.${kind}.${field}`, title, level: 'MUST', source: `${S.handleSpec} (required fields); ${S.errors}` }, async (c) => {
        const body: Record<string, unknown> = { ...VALID };
        mutate(field, body);
        await expectHandleRefused(c, body, `a handle request whose ${field} is ${kind}`);
      });
    }
  }

  check({ id: 'validation.context.invalid', title: 'an unknown fileUploadContext → success:false', level: 'MUST', source: `${S.handle} (enum)` }, (c) => expectHandleRefused(c, { ...VALID, fileUploadContext: 'CandidatePhoto' }, 'an unknown fileUploadContext'));
  check({ id: 'validation.length.negative', title: 'a negative contentLength → success:false', level: 'SHOULD', source: `${S.inferred}: no minimum is documented` }, (c) => expectHandleRefused(c, { ...VALID, contentLength: -1 }, 'contentLength -1'));
  check({ id: 'validation.length.fractional', title: 'a fractional contentLength → success:false', level: 'MUST', source: `${S.handleSpec}: integer` }, (c) => expectHandleRefused(c, { ...VALID, contentLength: 1.5 }, 'contentLength 1.5'));
  check({ id: 'validation.length.oversized', title: 'contentLength above 2^53−1 → success:false', level: 'MUST', source: `${S.handle}: ≤ 9007199254740991` }, (c) => expectHandleRefused(c, { ...VALID, contentLength: 2 ** 53 }, 'contentLength 2^53'));

  check({ id: 'validation.extra-field', title: 'an unknown extra field (recorded: ignored or refused)', level: 'INFO', source: `${S.handleSpec}: not stated` }, async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify({ ...VALID, unexpectedField: 'x' }), c.keys.full);
    c.observe(classifyAnswer(res, 'a handle request with an unknown extra field') === 'accepted' ? 'an unknown extra field is ignored (handle created)' : `an unknown extra field is refused: ${describeApi(res)}`);
  });
  check({ id: 'validation.malformed-json', title: 'a malformed JSON body → HTTP 200, success:false, a code', level: 'SHOULD', source: `${S.errors} (unparseable JSON is not documented)` }, (c) => expectHandleRefused(c, '{"fileUploadContext": "CandidateResume", "filename": ', 'a malformed JSON body'));

  const FOLLOW_UPS = [
    ['resume', 'candidate.uploadResume', 'resumeHandle', 'CandidateResume'],
    ['files', 'candidate.uploadFile', 'fileHandle', 'CandidateFiles'],
  ] as const;
  for (const [slug, endpoint, handleField, context] of FOLLOW_UPS) {
    const send = async (c: CheckContext, body: Record<string, unknown>, what: string) =>
      expectApiError(await c.api.raw(endpoint, JSON.stringify(body), c.keys.full), `${endpoint} ${what}`);
    check({ id: `validation.${slug}.candidate-missing`, title: `${endpoint} without candidateId → success:false`, level: 'MUST', source: S.cand }, async (c) => {
      const h = await uploadedHandle(c, { context });
      await send(c, { [handleField]: h.results.handle }, 'without candidateId');
    });
    check({ id: `validation.${slug}.candidate-garbled`, title: `${endpoint} with a garbled candidateId → success:false`, level: 'MUST', source: S.cand }, async (c) => {
      const h = await uploadedHandle(c, { context });
      await send(c, { candidateId: `garbled-${randomUUID().slice(0, 8)}-%%`, [handleField]: h.results.handle }, 'with a garbled candidateId');
    });
    check({ id: `validation.${slug}.handle-missing`, title: `${endpoint} without ${handleField} → success:false`, level: 'MUST', source: S.cand, needs: ['candidate'] }, async (c) =>
      send(c, { candidateId: await candidateId(c) }, `without ${handleField}`),
    );
    check({ id: `validation.${slug}.handle-garbled`, title: `${endpoint} with a garbled ${handleField} → success:false`, level: 'MUST', source: S.cand, needs: ['candidate'] }, async (c) =>
      send(c, { candidateId: await candidateId(c), [handleField]: '!!garbled-handle!!' }, `with a garbled ${handleField}`),
    );
  }
});
