// The behaviour record, its comparison and drift grouping on records built by hand: each kind of change
// is found with its before/after and id, nothing volatile or secret counts or appears, an interrupted
// check is not compared, acceptances need an exact id and a reason, and drift groups one behaviour into
// one difference with the side that follows the documented rule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareBehaviour, LATENCY_FLOOR_MS, withChanges } from '../src/behaviour/diff.ts';
import { driftDifferences } from '../src/behaviour/drift.ts';
import { readAcceptedChanges, readBaseline } from '../src/behaviour/files.ts';
import { behaviourRecord, scrubVolatile } from '../src/behaviour/record.ts';
import { describeAnswer, jsonShape } from '../src/client/answer-behaviour.ts';
import { BEHAVIOUR_RECORD_KIND, type BehaviourRecord, type CheckBehaviour, type ExchangeBehaviour } from '../src/results/index.ts';
import { changesJUnitSuite, renderChangesHtml, renderChangesText } from '../src/report/changes.ts';
import { renderDriftText } from '../src/report/drift.ts';
import { runResultsOf } from './fixtures/run-results.ts';
import { refusal } from './fixtures/usage-refusal.ts';

const HANDLE = 'POST /file.createFileUploadHandle';
const ok = (extra: Partial<ExchangeBehaviour> = {}): ExchangeBehaviour => ({ request: HANDLE, status: 200, envelope: 'success', shape: '{results:{handle:string},success:boolean}', ...extra });
const check = (id: string, extra: Partial<CheckBehaviour> = {}): CheckBehaviour => ({ id, level: 'MUST', status: 'pass', latencyMs: 100, info: [], exchanges: [ok()], ...extra });
const record = (checks: CheckBehaviour[], extra: Partial<BehaviourRecord> = {}): BehaviourRecord => ({ kind: BEHAVIOUR_RECORD_KIND, schemaVersion: 1, target: { name: 't', mock: false }, startedAt: '2026-01-01T00:00:00Z', checks, ...extra });

describe('an answer as behaviour', () => {
  it('the shape has names and types, never values', () => {
    expect(jsonShape({ b: 'secret-value', a: [1, 2], c: { d: null } })).toBe('{a:[number],b:string,c:{d:null}}');
  });

  it('the policy is read as conditions relative to the request, and no policy or signature value is kept', () => {
    const signed = '20260101T000000Z';
    const policy = Buffer.from(JSON.stringify({ expiration: '2026-01-01T00:10:00.000Z', conditions: [{ bucket: 'b' }, ['starts-with', '$key', 'uploads/'], ['content-length-range', 64, 65], ['eq', '$Content-Type', 'application/pdf'], { 'x-amz-date': signed }] })).toString('base64');
    const answer = JSON.stringify({ success: true, results: { handle: 'h', url: 'u', fields: { key: 'uploads/x', bucket: 'b', 'Content-Type': 'application/pdf', 'X-Amz-Date': signed, Policy: policy, 'X-Amz-Signature': 'abcdef0123456789' } } });
    const b = describeAnswer(JSON.stringify({ contentLength: 64, contentType: 'application/pdf' }), answer);
    expect(b.fields).toEqual(['key', 'bucket', 'Content-Type', 'X-Amz-Date', 'Policy', 'X-Amz-Signature']);
    expect(b.policy).toEqual(['expiration +10min', 'bucket eq =field', 'key starts-with (prefix)', 'content-length-range L..L+1', 'Content-Type eq =field', 'x-amz-date eq =field']);
    const text = JSON.stringify(b);
    expect(text).not.toContain(policy);
    expect(text).not.toContain('abcdef0123456789');
  });

  it('error envelopes give their code, S3 errors their Code', () => {
    expect(describeAnswer('', '{"success":false,"errors":["x"],"errorInfo":{"code":"invalid_input","message":"m","requestId":"r"}}')).toMatchObject({ envelope: 'error', errorCode: 'invalid_input' });
    expect(describeAnswer('', '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>')).toEqual({ envelope: 'none', s3Code: 'AccessDenied' });
  });

  it('volatile values in INFO texts become placeholders; error codes stay', () => {
    expect(scrubVolatile('refused: {"code":"file_upload_handle_already_used","requestId":"01M94JK0GQP75T9E4K87S2EYT4"} at 2026-12-06T02:23:06.578Z id 8205654c-6baa-43c9-a27a-5c55c38b4a17')).toBe(
      'refused: {"code":"file_upload_handle_already_used","requestId":"<id>"} at <date> id <uuid>',
    );
  });

  it('a record from a results model: paths beneath the endpoint are *, shared set-up is no check\'s behaviour, an interrupted run marks its skipped checks', () => {
    const base = { title: 't', group: 'storage' as const, level: 'INFO' as const, source: 's', observations: ['chose A (12 ms)'], durationMs: 1 };
    const ex = (url: string) => ({ method: 'POST', url, requestHeaders: {}, requestBody: '', status: 200, responseHeaders: {}, responseBody: '{"success":true,"results":{}}', durationMs: 3.4, curl: '' });
    const results = { ...runResultsOf([{ ...base, id: 'a', status: 'pass', exchanges: [ex('http://h/bucket/uploads/1234/x'), ex('http://h/candidate.create')] }, { ...base, id: 'b', status: 'skip', exchanges: [] }]), incomplete: true as const };
    const r = behaviourRecord(results);
    expect(r.checks[0]!.exchanges.map((e) => e.request)).toEqual(['POST /bucket/*']);
    expect(r.checks[0]!.info).toEqual(['chose A (<ms>)']);
    expect(r.checks[0]!.latencyMs).toBe(7);
    expect(r.checks[1]!.interrupted).toBe(true);
  });
});

describe('comparing two records', () => {
  it('the same record: no change', () => {
    const a = record([check('x'), check('y', { level: 'INFO', info: ['ignored'] })]);
    expect(compareBehaviour(a, structuredClone(a), 'f')).toMatchObject({ changes: [], compared: 2, ok: true });
  });

  it('each kind of change is found with its id, before and after', () => {
    const before = record([check('f'), check('g', { status: 'fail' }), check('i', { level: 'INFO', info: ['ignored'] }), check('s'), check('e')]);
    const after = record([
      check('f', { status: 'fail' }),
      check('g'),
      check('i', { level: 'INFO', info: ['refused'] }),
      check('s', { exchanges: [ok({ shape: '{results:{handle:string,more:number},success:boolean}' })] }),
      check('e', { exchanges: [ok({ envelope: 'error', errorCode: 'invalid_input', shape: undefined })] }),
    ]);
    const c = compareBehaviour(before, after, 'f');
    expect(c.changes.map((x) => [x.id, x.before, x.after])).toEqual([
      ['f/new-failure', 'pass', 'fail'],
      ['g/fixed-failure', 'fail', 'pass'],
      ['i/info-choice', 'ignored', 'refused'],
      [`s/answer/${HANDLE}/shape`, '{results:{handle:string},success:boolean}', '{results:{handle:string,more:number},success:boolean}'],
      [`e/answer/${HANDLE}/envelope`, 'success', 'error'],
      [`e/answer/${HANDLE}/errorCode`, '(none)', 'invalid_input'],
      [`e/answer/${HANDLE}/shape`, '{results:{handle:string},success:boolean}', '(none)'],
    ]);
    expect(c.ok).toBe(false);
  });

  it('latency counts only with --max-regression, beyond both the percentage and the floor', () => {
    const before = record([check('a', { latencyMs: 100 })]);
    const slower = (ms: number) => record([check('a', { latencyMs: ms })]);
    expect(compareBehaviour(before, slower(400), 'f').changes).toEqual([]);
    expect(compareBehaviour(before, slower(400), 'f', { maxRegressionPct: 10 }).changes.map((x) => [x.id, x.before, x.after])).toEqual([['a/latency', '100 ms', '400 ms']]);
    expect(compareBehaviour(before, slower(100 + LATENCY_FLOOR_MS), 'f', { maxRegressionPct: 10 }).changes).toEqual([]);
    expect(compareBehaviour(before, slower(400), 'f', { maxRegressionPct: 500 }).changes).toEqual([]);
  });

  it('a check an interrupted run did not finish is not compared; a check skipped on one side only is a change of a baseline, not of drift', () => {
    const before = record([check('a'), check('b')]);
    const interrupted = record([check('a', { status: 'skip', interrupted: true, exchanges: [] }), check('b')], { incomplete: true });
    expect(compareBehaviour(before, interrupted, 'f')).toMatchObject({ changes: [], compared: 1, notCompared: ['a'] });
    const skipped = record([check('a', { status: 'skip', exchanges: [] }), check('b')]);
    expect(compareBehaviour(before, skipped, 'f').changes.map((x) => x.id)).toEqual(['a/status']);
    expect(compareBehaviour(before, skipped, 'f', { skipIsChange: false }).changes).toEqual([]);
  });

  it('an accepted change (exact id) keeps the run passing; any other fails it', () => {
    const before = record([check('i', { level: 'INFO', info: ['ignored'] })]);
    const after = record([check('i', { level: 'INFO', info: ['refused'] })]);
    const accepted = compareBehaviour(before, after, 'f', { accepted: new Map([['i/info-choice', 'new API version refuses']]) });
    expect(accepted).toMatchObject({ ok: true, changes: [{ accepted: 'new API version refuses' }] });
    expect(withChanges(runResultsOf([]), accepted).exitCode).toBe(0);
    const notAccepted = compareBehaviour(before, after, 'f', { accepted: new Map([['i/info', 'prefix is not enough']]) });
    expect(withChanges(runResultsOf([]), notAccepted).exitCode).toBe(1);
  });
});

describe('drift: one difference per behaviour', () => {
  it('a member added to every handle answer is one difference however many checks show it; a check\'s own INFO choice is another; the rule is open', () => {
    const mock = record([check('a'), check('b'), check('i', { level: 'INFO', info: ['ignored'] })]);
    const more = ok({ shape: '{results:{extra:number,handle:string},success:boolean}' });
    const target = record([check('a', { exchanges: [more] }), check('b', { exchanges: [more] }), check('i', { level: 'INFO', info: ['refused'], exchanges: [ok({ envelope: 'error', errorCode: 'x', shape: '{}' })] })]);
    const d = driftDifferences(mock, target);
    expect(d.map((x) => [x.id, x.rule, x.checks])).toEqual([
      [`a/answer/${HANDLE}/shape`, 'open', ['a', 'b']],
      ['i/info-choice', 'open', ['i']],
    ]);
  });

  it('a check whose verdict differs only through an answer seen elsewhere joins that difference; the passing side follows the documented rule', () => {
    const up = (status: number): ExchangeBehaviour => ({ request: 'POST /bucket', status, envelope: 'none' });
    const mock = record([check('a', { exchanges: [up(204)] }), check('s', { exchanges: [up(204)] })]);
    const target = record([check('a', { exchanges: [up(201)] }), check('s', { status: 'fail', exchanges: [up(201)] })]);
    const d = driftDifferences(mock, target);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ rule: 'mock', checks: ['a', 's'] });
  });
});

describe('baseline and acceptance files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uh-behaviour-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('an acceptance needs an id and a reason; the file needs an accept list', async () => {
    expect(readAcceptedChanges(file('ok.json', '{"accept":[{"id":"a/info-choice","reason":"expected"}]}'))).toEqual(new Map([['a/info-choice', 'expected']]));
    expect(await refusal(() => readAcceptedChanges(file('no-reason.json', '{"accept":[{"id":"a/info-choice"}]}')))).toContain('has no "reason"');
    expect(await refusal(() => readAcceptedChanges(file('no-list.json', '{"changes":[]}')))).toContain('has no "accept" list');
  });

  it('a baseline is a behaviour record or a conform results.json, checked against its schema', async () => {
    const r = record([check('a')]);
    expect(readBaseline(file('behaviour.json', JSON.stringify(r)))).toEqual(r);
    expect(await refusal(() => readBaseline(file('load.json', '{"kind":"upload-harness/load-results"}')))).toContain('neither a behaviour.json nor a conform results.json');
    expect(await refusal(() => readBaseline(file('bad.json', JSON.stringify({ ...r, checks: [{ ...r.checks[0], status: 'passed' }] }))))).toContain('/checks/0/status');
  });
});

describe('rendering changes', () => {
  const before = record([check('i', { level: 'INFO', info: ['ignored'] })]);
  const after = record([check('i', { level: 'INFO', info: ['refused <b>'] })]);

  it('console, HTML and JUnit list each change by id with before and after; JUnit fails unaccepted changes only', () => {
    const c = compareBehaviour(before, after, 'base.json');
    expect(renderChangesText(c, 'changes since baseline', ['baseline', 'this run'])).toContain('CHANGED  i/info-choice: the target chose differently\n      baseline  ignored\n      this run  refused <b>');
    const html = renderChangesHtml(c, 'Changes since baseline');
    expect(html).toContain('<code>i/info-choice</code>');
    expect(html).toContain('refused &lt;b&gt;');
    expect(changesJUnitSuite(c, 's').cases.map((x) => [x.name, x.outcome])).toEqual([['i/info-choice', 'failed']]);
    const accepted = compareBehaviour(before, after, 'base.json', { accepted: new Map([['i/info-choice', 'why']]) });
    expect(changesJUnitSuite(accepted, 's').cases.map((x) => [x.name, x.outcome])).toEqual([['i/info-choice', 'passed']]);
    expect(changesJUnitSuite(compareBehaviour(before, before, 'b'), 's').cases.map((x) => x.name)).toEqual(['no change']);
  });

  it('the drift text names each difference once with the rule', () => {
    const differences = driftDifferences(before, after);
    const text = renderDriftText({ kind: 'upload-harness/drift-results', schemaVersion: 1, tool: 'upload-harness drift', target: { name: 't', baseUrl: 'http://t' }, mock: {}, startedAt: '', durationMs: 0, summary: { mock: runResultsOf([]).summary.counts, target: runResultsOf([]).summary.counts }, compared: 1, notCompared: [], differences, harnessErrors: [], exitCode: 1 });
    expect(text).toContain('DRIFT: 1 difference between the mock and t');
    expect(text).toContain('1. i: the target chose differently — the docs leave this open');
  });
});
