// Required fields and bad values: each must be refused the documented way (HTTP 200, success:false,
// an error code; Ashby docs: responses & errors), on file.createFileUploadHandle and on the follow-up calls.
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { check, type CheckContext } from '../src/conformance/check.ts';
import { classifyAnswer, describeApi, expectApiError } from '../src/conformance/assert.ts';
import { candidateId, uploadedHandle } from '../src/conformance/fixtures.ts';

const VALID = { fileUploadContext: 'CandidateResume', filename: 'cv.pdf', contentType: 'application/pdf', contentLength: 1024 } as const;
type Field = keyof typeof VALID;

const WRONG_TYPE: Record<Field, unknown> = { fileUploadContext: 42, filename: 42, contentType: true, contentLength: '1024' };

const MUTATIONS: Record<string, (field: Field, body: Record<string, unknown>) => void> = {
  missing: (f, b) => void delete b[f],
  null: (f, b) => void (b[f] = null),
  'wrong-type': (f, b) => void (b[f] = WRONG_TYPE[f]),
  empty: (f, b) => void (b[f] = ''),
};

async function expectHandleRefused(c: CheckContext, body: unknown, what: string): Promise<void> {
  expectApiError(await c.api.raw('file.createFileUploadHandle', typeof body === 'string' ? body : JSON.stringify(body), c.keys.full), what);
}

describe.concurrent('validation', () => {
  for (const [kind, mutate] of Object.entries(MUTATIONS)) {
    for (const field of Object.keys(VALID) as Field[]) {
      check(`validation.${kind}.${field}`, async (c) => {
        const body: Record<string, unknown> = { ...VALID };
        mutate(field, body);
        await expectHandleRefused(c, body, `a handle request whose ${field} is ${kind}`);
      });
    }
  }

  check('validation.context.invalid', (c) => expectHandleRefused(c, { ...VALID, fileUploadContext: 'CandidatePhoto' }, 'an unknown fileUploadContext'));
  check('validation.length.negative', (c) => expectHandleRefused(c, { ...VALID, contentLength: -1 }, 'contentLength -1'));
  check('validation.length.fractional', (c) => expectHandleRefused(c, { ...VALID, contentLength: 1.5 }, 'contentLength 1.5'));
  check('validation.length.oversized', (c) => expectHandleRefused(c, { ...VALID, contentLength: 2 ** 53 }, 'contentLength 2^53'));
  check('validation.malformed-json', (c) => expectHandleRefused(c, '{"fileUploadContext": "CandidateResume", "filename": ', 'a malformed JSON body'));

  check('validation.extra-field', async (c) => {
    const res = await c.api.raw('file.createFileUploadHandle', JSON.stringify({ ...VALID, unexpectedField: 'x' }), c.keys.full);
    c.observe(classifyAnswer(res, 'a handle request with an unknown extra field') === 'accepted' ? 'an unknown extra field is ignored (handle created)' : `an unknown extra field is refused: ${describeApi(res)}`);
  });

  const FOLLOW_UPS = [
    ['resume', 'candidate.uploadResume', 'resumeHandle', 'CandidateResume'],
    ['files', 'candidate.uploadFile', 'fileHandle', 'CandidateFiles'],
  ] as const;
  for (const [slug, endpoint, handleField, context] of FOLLOW_UPS) {
    const send = async (c: CheckContext, body: Record<string, unknown>, what: string) =>
      expectApiError(await c.api.raw(endpoint, JSON.stringify(body), c.keys.full), `${endpoint} ${what}`);
    check(`validation.${slug}.candidate-missing`, async (c) => {
      const h = await uploadedHandle(c, { context });
      await send(c, { [handleField]: h.results.handle }, 'without candidateId');
    });
    check(`validation.${slug}.candidate-garbled`, async (c) => {
      const h = await uploadedHandle(c, { context });
      await send(c, { candidateId: `garbled-${randomUUID().slice(0, 8)}-%%`, [handleField]: h.results.handle }, 'with a garbled candidateId');
    });
    check(`validation.${slug}.handle-missing`, async (c) => send(c, { candidateId: await candidateId(c) }, `without ${handleField}`));
    check(`validation.${slug}.handle-garbled`, async (c) => send(c, { candidateId: await candidateId(c), [handleField]: '!!garbled-handle!!' }, `with a garbled ${handleField}`));
  }
});
