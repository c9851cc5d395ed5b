// Regression: a client refused for its credentials (HTTP 403 before the mock reads the body) was also
// failed on client.handle.request-valid when the judge ran before Node had drained the refused request's
// body — "not a JSON object" for a body Node had dropped unread. The recorder now reads such a body before
// the answer goes out (test/verify/recorder.test.ts); one that still did not arrive in full is unknown, so
// only the auth rule fails and request-valid is not exercised by it. A body that did arrive and is wrong
// still fails request-valid.
import { expect, it } from 'vitest';
import { judgeClient } from '../../src/verify/judge.ts';
import type { RecordedRequest } from '../../src/verify/recorder.ts';
import { brokenRules } from '../verify/run-client.ts';

const startedAt = new Date('2026-01-01T00:00:00Z');
const refused = (body: Partial<RecordedRequest>): RecordedRequest => ({
  seq: 1,
  at: startedAt.getTime() + 10,
  doneAt: startedAt.getTime() + 11,
  method: 'POST',
  url: '/file.createFileUploadHandle',
  headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
  kind: 'api',
  bodyBytes: 0,
  status: 403,
  answer: JSON.stringify({ success: false, errors: ['invalid_api_key'] }),
  ...body,
});

const statusOf = (r: ReturnType<typeof judgeClient>, id: string) => r.rules.find((x) => x.id === id)?.status;

it('a refused handle request whose body was not seen in full breaks only client.auth.basic; request-valid is not exercised, not passed', () => {
  const r = judgeClient([refused({ body: [] })], { startedAt, minFlows: 0 });
  expect(brokenRules(r)).toEqual(['client.auth.basic']);
  expect(statusOf(r, 'client.handle.request-valid')).toBe('not-exercised');
  // The same request with its whole (valid) body seen: now there was something to judge, and it passes.
  const body = Buffer.from(JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'cv.pdf', contentType: 'application/pdf', contentLength: 10 }));
  const seen = judgeClient([refused({ body: [body], bodyBytes: body.length, bodyComplete: true })], { startedAt, minFlows: 0 });
  expect(statusOf(seen, 'client.handle.request-valid')).toBe('pass');
});

it('a refused handle request whose whole body arrived and is not JSON also breaks client.handle.request-valid', () => {
  const r = judgeClient([refused({ body: [Buffer.from('not json')], bodyBytes: 8, bodyComplete: true })], { startedAt, minFlows: 0 });
  expect(brokenRules(r)).toEqual(['client.auth.basic', 'client.handle.request-valid']);
});
