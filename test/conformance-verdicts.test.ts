// Verdicts: the one classification of answers (accepted / refused / neither), its MUST
// strength whatever the check's level, and the run-scoped envelope.no-server-error over every exchange.
import { describe, expect, it } from 'vitest';
import type { ApiResponse, Exchange, StorageResponse } from '../src/client/index.ts';
import { parseStorageXml } from '../src/client/storage-client.ts';
import { CheckFailure, classifyAnswer, UnclassifiedAnswer } from '../src/conformance/assert.ts';
import { getCheck } from '../src/conformance/catalogue.ts';
import { toCheckResult } from '../src/conformance/results.ts';
import { exitCodeFor, type CheckResult } from '../src/results/index.ts';
import { findServerErrors, NO_SERVER_ERROR, noServerErrorResult } from '../src/conformance/server-errors.ts';
import { parseEnvelope } from '../src/protocol/index.ts';

const api = (status: number, text: string): ApiResponse => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: {}, text, json, envelope: parseEnvelope(text), durationMs: 1 };
};
const storage = (status: number, text = ''): StorageResponse => ({ status, headers: {}, bytes: new TextEncoder().encode(text), text, durationMs: 1, xml: parseStorageXml(text) });
const ERR = '{"success":false,"errors":["invalid_input"],"errorInfo":{"code":"invalid_input","message":"x"}}';
const S3_ERR = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>';

const unclassified = (fn: () => unknown): UnclassifiedAnswer => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UnclassifiedAnswer) return err;
    throw err;
  }
  throw new Error('expected UnclassifiedAnswer');
};

describe('classifyAnswer', () => {
  it('API: 2xx success envelope is accepted; the error envelope with a code at 200/4xx, or any 401/403, is refused', () => {
    expect(classifyAnswer(api(200, '{"success":true,"results":{}}'), 'x')).toBe('accepted');
    expect(classifyAnswer(api(200, ERR), 'x')).toBe('refused');
    expect(classifyAnswer(api(200, '{"success":false,"errorInfo":{"code":"application_not_found"}}'), 'x')).toBe('refused');
    expect(classifyAnswer(api(404, ERR), 'x')).toBe('refused');
    expect(classifyAnswer(api(401, 'Unauthorized'), 'x')).toBe('refused');
    expect(classifyAnswer(api(403, ERR), 'x')).toBe('refused');
  });

  it('API: a 5xx, a teapot, a non-envelope 200, an error without a code or a redirect is neither', () => {
    for (const res of [api(500, ERR), api(503, ERR), api(418, ''), api(418, 'I am a teapot'), api(200, '{"status":"ok"}'), api(200, '{"success":false}'), api(302, ''), api(500, '{"success":true,"results":{}}')]) {
      const err = unclassified(() => classifyAnswer(res, 'the probe'));
      expect(err).toBeInstanceOf(CheckFailure);
      expect(err.message).toBe('the probe: the answer is neither an acceptance nor a documented refusal');
      expect(err.received).toContain(`HTTP ${res.status}`);
    }
  });

  it('storage: 2xx accepted, 4xx with S3 error XML refused, anything else neither', () => {
    expect(classifyAnswer(storage(204), 'x')).toBe('accepted');
    expect(classifyAnswer(storage(201, '<PostResponse/>'), 'x')).toBe('accepted');
    expect(classifyAnswer(storage(403, S3_ERR), 'x')).toBe('refused');
    for (const res of [storage(500, '<Error><Code>InternalError</Code></Error>'), storage(400, 'bad'), storage(400), storage(302)]) {
      expect(unclassified(() => classifyAnswer(res, 'the upload')).message).toBe('the upload: the storage answer is neither an acceptance nor an S3 error');
    }
  });
});

describe('an unclassified answer fails at MUST strength', () => {
  const meta = (must?: true) => ({ exchanges: [], observations: [], failure: { kind: 'failure' as const, message: 'm', expected: 'e', received: 'r', ...(must ? { must } : {}) } });
  it('fails SHOULD checks (exit 1); an INFO check only records it (warn) and envelope.no-server-error fails for it', () => {
    const info = getCheck('validation.extra-field');
    const should = getCheck('validation.malformed-json');
    const recorded = toCheckResult(info, { state: 'failed', meta: meta(true), durationMs: 1 }, false);
    expect(recorded.status).toBe('warn');
    expect(recorded.message).toContain('it fails envelope.no-server-error');
    expect(toCheckResult(should, { state: 'failed', meta: meta(true), durationMs: 1 }, false).status).toBe('fail');
    expect(toCheckResult(info, { state: 'failed', meta: meta(), durationMs: 1 }, false).status).toBe('warn');
    expect(toCheckResult(info, { state: 'failed', meta: meta(true), durationMs: 1 }, false, 'known bug #3').status).toBe('warn');
    expect(exitCodeFor([recorded], [])).toBe(0); // the INFO check alone fails nothing …
    const verdict = noServerErrorResult([{ ...recorded, exchanges: [exchange(200, 'http://t/file.createFileUploadHandle')] }], false, undefined, [{ check: info.id, message: 'neither class', received: 'HTTP 200 {}' }]);
    expect(verdict.status).toBe('fail'); // … the run-scoped check does, naming it
    expect(verdict.message).toContain(`met by the INFO check ${info.id}`);
    expect(exitCodeFor([recorded, verdict], [])).toBe(1);
  });
});

const exchange = (status: number | undefined, url: string, body = ''): Exchange => ({
  method: 'POST',
  url,
  requestHeaders: {},
  requestBody: '{}',
  status,
  responseHeaders: {},
  responseBody: body,
  durationMs: 1,
  curl: `curl -sS -X POST '${url}' -u "$ASHBY_API_KEY:"`,
  ...(status === undefined ? { error: 'ECONNRESET' } : {}),
});
const result = (id: string, exchanges: Exchange[], status: CheckResult['status'] = 'pass'): CheckResult => ({ ...toCheckResult(getCheck(id), { state: 'passed', durationMs: 1 }, false), status, exchanges });

describe(NO_SERVER_ERROR, () => {
  const base = 'http://127.0.0.1:1';
  it('is catalogued as a run-scoped MUST check', () => {
    expect(getCheck(NO_SERVER_ERROR)).toMatchObject({ level: 'MUST', group: 'envelope', scope: 'run' });
  });

  it('passes when no exchange of any check is a 5xx (transport errors and 4xx are not server errors)', () => {
    const r = noServerErrorResult([result('auth.missing-key.401', [exchange(401, `${base}/file.createFileUploadHandle`)]), result('ctx.size.zero', [exchange(undefined, `${base}/x`), exchange(200, `${base}/y`)])], false);
    expect(r.status).toBe('pass');
    expect(r.exchanges).toEqual([]);
    expect(r.observations[0]).toBe('3 exchanges of 2 checks inspected');
  });

  it("fails on a 5xx from any check (INFO, a failed check's set-up step, storage), naming check, request and answer", () => {
    const checks = [
      result('envelope.handle.schema', [exchange(200, `${base}/file.createFileUploadHandle`)]),
      result('validation.extra-field', [exchange(500, `${base}/file.createFileUploadHandle`, '{"success":false,"errorInfo":{"code":"internal_error"}}')]),
      result('ctx.resume.roundtrip', [exchange(200, `${base}/candidate.create`), exchange(503, `${base}/bucket`, '<Error><Code>SlowDown</Code></Error>'), exchange(204, `${base}/bucket`)], 'fail'),
    ];
    expect(findServerErrors(checks).map((s) => [s.check, s.exchange.status])).toEqual([['validation.extra-field', 500], ['ctx.resume.roundtrip', 503]]);
    const r = noServerErrorResult(checks, false);
    expect(r.status).toBe('fail');
    expect(r.message).toBe('a server error: validation.extra-field: POST /file.createFileUploadHandle → HTTP 500 (+1 more, from validation.extra-field, ctx.resume.roundtrip)');
    expect(r.received).toContain('HTTP 500 {"success":false,"errorInfo":{"code":"internal_error"}}');
    expect(r.received).toContain("validation.extra-field's POST /file.createFileUploadHandle");
    expect(r.curl).toBe(`curl -sS -X POST '${base}/file.createFileUploadHandle' -u "$ASHBY_API_KEY:"`);
    expect(r.exchanges.map((e) => e.status)).toEqual([500, 503]);
    expect(r.observations.slice(1)).toEqual([
      `validation.extra-field: POST /file.createFileUploadHandle → HTTP 500 — reproduce: curl -sS -X POST '${base}/file.createFileUploadHandle' -u "$ASHBY_API_KEY:"`,
      `ctx.resume.roundtrip: POST /bucket → HTTP 503 — reproduce: curl -sS -X POST '${base}/bucket' -u "$ASHBY_API_KEY:"`,
    ]);
    expect(exitCodeFor([r], [])).toBe(1);
    // A known deviation of the target softens it like any other check.
    expect(noServerErrorResult(checks, false, 'staging gateway answers 503 at night').status).toBe('warn');
  });
});

describe(`${NO_SERVER_ERROR} without answers`, () => {
  it('errors when every exchange ended in a transport error, skips when nothing was sent (never passes)', () => {
    const unreachable = noServerErrorResult([result('envelope.handle.schema', [exchange(undefined, 'http://127.0.0.1:1/file.createFileUploadHandle')], 'error')], false);
    expect(unreachable).toMatchObject({ status: 'error', message: 'transport error: no answer to judge: all 1 exchanges of the run ended in a transport error' });
    expect(noServerErrorResult([result('auth.limited-key.handle.403', [], 'skip')], false)).toMatchObject({ status: 'skip' });
    expect(noServerErrorResult([], false).status).toBe('skip');
  });
});
