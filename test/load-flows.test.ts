import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlow, MixError, parseContextMix, parseFileSizeMix, parseSize, weightedSlots, type StageObserver, type Transport } from '../scenarios/flows/index.ts';
import { constantSchedule, rampingSchedule } from '../src/load/schedule.ts';
import { createNodeEngineTransport } from '../src/load/node-engine-transport.ts';
import { startFakeApi, type FakeApi } from './fixtures/fake-k6-api.ts';

describe('mix parsers', () => {
  it('parses sizes and weights', () => {
    expect(parseFileSizeMix('1KiB:50,256KiB:40,5MiB:10')).toEqual([
      { value: 1024, weight: 50 },
      { value: 256 * 1024, weight: 40 },
      { value: 5 * 1024 * 1024, weight: 10 },
    ]);
    expect(parseSize('2MB')).toBe(2_000_000);
    expect(parseFileSizeMix('512')).toEqual([{ value: 512, weight: 1 }]);
    expect(parseContextMix('resume:1,files:2,form:1').map((m) => m.value)).toEqual(['CandidateResume', 'CandidateFiles', 'ApplicationForm']);
  });
  it('errors are one clear line', () => {
    expect(() => parseFileSizeMix('1XB:5')).toThrow(/invalid size "1XB"/);
    expect(() => parseFileSizeMix('1KiB:0')).toThrow(/weight of "1KiB" must be a whole number/);
    expect(() => parseFileSizeMix('')).toThrow(MixError);
    expect(() => parseFileSizeMix('200MiB:1')).toThrow(/between 1 byte and 100MiB/);
    expect(() => parseContextMix('resume:1,cv:1')).toThrow(/unknown context "cv"/);
    expect(() => parseContextMix('resume:1,resume:2')).toThrow(/given twice/);
  });
  it('weighted slots follow the weights exactly and interleave', () => {
    const slots = weightedSlots(parseFileSizeMix('1KiB:50,256KiB:40,5MiB:10'));
    expect(slots).toHaveLength(10);
    expect(slots.filter((s) => s === 1024)).toHaveLength(5);
    expect(slots.filter((s) => s === 5 * 1024 * 1024)).toHaveLength(1);
    expect(slots[0]).not.toBe(slots[1]);
  });
});

describe('arrival schedule', () => {
  it('constant: 50/s for 10 s is exactly 500 due iterations, evenly spaced', () => {
    const s = constantSchedule(50, 10_000);
    let n = 0;
    while (s.dueMs(n) < s.totalMs) n++;
    expect(n).toBe(500);
    expect(s.dueMs(1) - s.dueMs(0)).toBeCloseTo(20, 6);
  });
  it('ramping: the integral of the rate', () => {
    const s = rampingSchedule(0, [{ durationMs: 10_000, target: 100 }, { durationMs: 10_000, target: 100 }]);
    let n = 0;
    while (s.dueMs(n) < s.totalMs) n++;
    expect(n).toBe(500 + 1000);
    expect(s.dueMs(500)).toBeCloseTo(10_000, 3);
    expect(s.dueMs(125)).toBeCloseTo(5_000, 3);
  });
});

describe('flows over the undici transport', () => {
  let api: FakeApi;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(() => api.close());

  const collect = () => {
    const stages: { stage: string; ok: boolean; sent: number }[] = [];
    const observer: StageObserver = { stage: (stage, ok, _d, sent) => stages.push({ stage, ok, sent }) };
    return { stages, observer };
  };

  it('full-flow: candidate once per worker, file last, every context attached, payloads shared', async () => {
    const flow = createFlow({ scenario: 'full-flow', baseUrl: api.baseUrl, apiKey: 'fake-key', fileSizes: parseFileSizeMix('1KiB:1,4KiB:1'), contexts: parseContextMix('resume:1,files:1,form:1'), jobPostingId: 'jp-1' });
    const t: Transport & { close(): Promise<void> } = createNodeEngineTransport(4);
    const { stages, observer } = collect();
    const w = flow.newWorker(1);
    const results = [];
    for (let n = 0; n < 6; n++) results.push(await flow.iterate(t, observer, w, n));
    await t.close();
    expect(results.every(Boolean)).toBe(true);
    expect(api.calls['candidate.create']).toBe(1);
    expect(api.calls['candidate.uploadResume']).toBe(2);
    expect(api.calls['candidate.uploadFile']).toBe(2);
    expect(api.calls['applicationForm.submit']).toBe(2);
    expect(api.uploadsBytes).toHaveLength(6); // the fake storage accepted each body: exact length, file last
    expect(stages.filter((s) => s.stage === 'upload').every((s) => s.ok && s.sent > 1024)).toBe(true);
  });

  it('a failed stage stops the iteration with a reason', async () => {
    const flow = createFlow({ scenario: 'upload', baseUrl: api.baseUrl, apiKey: 'wrong', fileSizes: parseFileSizeMix('1KiB'), contexts: parseContextMix('resume') });
    const t = createNodeEngineTransport(1);
    const reasons: string[] = [];
    const ok = await flow.iterate(t, { stage: (_s, _ok, _d, _a, _b, reason) => reasons.push(reason ?? '') }, flow.newWorker(1), 0);
    await t.close();
    expect(ok).toBe(false);
    expect(reasons).toEqual(['HTTP 401']);
  });
});

describe('slot selection', () => {
  it('pairs every size with every context in proportion', async () => {
    const seen: string[] = [];
    const transport: Transport = {
      async request(req) {
        if (typeof req.body === 'string') seen.push(req.body);
        return { status: 500, body: '', durationMs: 1 };
      },
    };
    const flow = createFlow({ scenario: 'full-flow', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', fileSizes: parseFileSizeMix('1KiB:1,2KiB:1'), contexts: parseContextMix('resume:1,files:1'), jobPostingId: 'jp' });
    for (let n = 0; n < 4; n++) await flow.iterate(transport, { stage: () => {} }, flow.newWorker(1), n);
    const pairs = seen.map((b) => { const j = JSON.parse(b); return `${j.fileUploadContext}:${j.contentLength}`; });
    expect(new Set(pairs)).toEqual(new Set(['CandidateResume:1024', 'CandidateResume:2048', 'CandidateFiles:1024', 'CandidateFiles:2048']));
  });
});
