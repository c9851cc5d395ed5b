// Regression: `k8s` wrote a TestRun whose bundle threw at start (UH_MIX with `form` and no job
// posting id) where `load` refused the same settings. Now one check (scenarios/flows/workload.ts) serves
// `load`, `k8s` and the bundle reading its UH_* variables: a setting one refuses, all refuse, with the
// same message.
import { describe, expect, it } from 'vitest';
import { refusal } from '../fixtures/usage-refusal.ts';
import { renderK8sManifest } from '../../src/cli/k8s.ts';
import { parseLoadArgs } from '../../src/cli/load.ts';
import { checkK6Env, encodeK6Env, WorkloadError } from '../../scenarios/flows/index.ts';


const TARGET = ['--target', 'https://staging.example'];

describe('load --engine k6 and k8s refuse the same settings with the same message', () => {
  it.each([
    [['--scenario', 'full-flow', '--mix', 'resume:1,form:1'], 'the form context needs a job posting id'],
    [['--scenario', 'upload', '--duration', '500ms'], 'k6 runs a constant arrival rate for at least 1s, got 500ms'],
    [['--scenario', 'upload', '--duration', '25h'], 'the duration must be between 1ms and 24h, got 90000000ms'],
    [['--scenario', 'upload', '--threshold', 'iteration_duration_intended:p(95)<100'], 'iteration_duration_intended is measured by the node engine only'],
    [['--scenario', 'upload', '--max-vus', '0'], '--max-vus must be ≥ 1, got 0'],
    [['--scenario', 'upload', '--rate', '-1'], '--rate must be ≥ 0, got -1'],
  ])('%j', async (flags, message) => {
    expect(await refusal(() => parseLoadArgs(['--engine', 'k6', ...TARGET, ...flags], {}))).toBe(message);
    expect(await refusal(() => renderK8sManifest([...TARGET, ...flags], {}))).toBe(message);
  });

  it('the bundle refuses the same workload from its UH_* variables, with the same message', () => {
    const settings = { baseUrl: 'https://staging.example', rate: 10, durationMs: 30_000, maxVUs: 20, fileSizes: '1KiB', thresholds: {} };
    const refused = (env: Record<string, string>) => {
      try {
        checkK6Env(env, 'full-flow');
      } catch (err) {
        expect(err).toBeInstanceOf(WorkloadError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused(encodeK6Env({ ...settings, mix: 'resume:1,form:1' }))).toBe('the form context needs a job posting id');
    expect(refused(encodeK6Env({ ...settings, mix: 'resume:1,form:1', jobPostingId: 'jp' }))).toBe('accepted');
    expect(refused(encodeK6Env({ ...settings, mix: 'resume:1', durationMs: 500 }))).toBe('k6 runs a constant arrival rate for at least 1s, got 500ms');
  });

  it('with a job posting, k8s writes the manifest load would run', async () => {
    const text = await renderK8sManifest([...TARGET, '--scenario', 'full-flow', '--job-posting-id', 'jp-1'], {});
    expect(text).toContain('name: UH_JOB_POSTING_ID');
  });
});
