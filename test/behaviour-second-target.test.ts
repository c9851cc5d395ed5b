// The behaviour comparison against a second target (test/fixtures/second-target.ts) whose differences
// are switched on one at a time: an unchanged target gives no change, a changed behaviour is reported
// by name with before and after, and drift against the mock lists exactly the differences switched on.
// The full measurement (20 pairs, every difference) is bench/behaviour-regressions.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBehaviour } from '../src/behaviour/diff.ts';
import { driftDifferences } from '../src/behaviour/drift.ts';
import { behaviourRecord } from '../src/behaviour/record.ts';
import { readBaselineFlags } from '../src/cli/baseline-options.ts';
import { command as drift } from '../src/cli/drift.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { startMockTarget } from '../src/conformance/mock-target.ts';
import { ConformanceSession } from '../src/conformance/runner.ts';
import type { BehaviourRecord } from '../src/results/index.ts';
import { startSecondTarget, type Difference, type SecondTarget } from './fixtures/second-target.ts';
import { refusal } from './fixtures/usage-refusal.ts';

const GROUPS = ['validation', 'lifecycle'] as const;

describe('against a second target with switchable differences', () => {
  let second: SecondTarget;
  let session: ConformanceSession;
  let mockRecord: BehaviourRecord;
  const run = async (differences: Difference[] = []) => {
    second.set(differences);
    return behaviourRecord(await session.run());
  };

  beforeAll(async () => {
    const mock = await startMockTarget({ timeoutMs: 10_000 });
    const onMock = await ConformanceSession.open({ target: mock.target, strict: false, only: [...GROUPS], deviations: loadDeviations('mock'), maxWorkers: 1 });
    try {
      mockRecord = behaviourRecord(await onMock.run());
    } finally {
      await onMock.close();
      await mock.close();
    }
    second = await startSecondTarget();
    session = await ConformanceSession.open({ target: second.target, strict: false, only: [...GROUPS], deviations: loadDeviations('second'), maxWorkers: 1 });
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await second?.close();
  });

  it('unchanged: no change; one behaviour changed: that change, named, with before and after', async () => {
    const baseline = await run();
    expect(compareBehaviour(baseline, await run(), 'baseline').changes).toEqual([]);
    const changed = compareBehaviour(baseline, await run(['extra-field-refused']), 'baseline');
    const info = changed.changes.find((c) => c.id === 'validation.extra-field/info-choice');
    expect(info?.before).toContain('ignored');
    expect(info?.after).toContain('refused');
    expect(info?.after).toContain('invalid_input');
    expect(changed.changes.find((c) => c.id === 'validation.extra-field/answer/POST /file.createFileUploadHandle/errorCode')).toMatchObject({ before: '(none)', after: 'invalid_input' });
    expect(new Set(changed.changes.map((c) => c.check))).toEqual(new Set(['validation.extra-field']));
    expect(changed.ok).toBe(false);
  }, 300_000);

  it('drift lists exactly the differences switched on, each left open by the docs', async () => {
    expect(driftDifferences(mockRecord, await run())).toEqual([]);
    const d = driftDifferences(mockRecord, await run(['extra-field-refused', 'handle-reuse-accepted']));
    expect(d.map((x) => [x.id, x.rule])).toEqual([
      ['validation.extra-field/info-choice', 'open'],
      ['lifecycle.handle.reuse/info-choice', 'open'],
    ]);
  }, 300_000);
});

describe('usage', () => {
  it('--accept-changes and --max-regression need --baseline; drift needs a real --target', async () => {
    expect(await refusal(() => readBaselineFlags({ 'accept-changes': 'a.json' }))).toBe('--accept-changes needs --baseline FILE');
    expect(await refusal(() => readBaselineFlags({ 'max-regression': '10%' }))).toBe('--max-regression needs --baseline FILE');
    expect(await refusal(() => drift.run(['--target', 'mock']))).toContain('drift needs --target <base-url>');
  });
});
