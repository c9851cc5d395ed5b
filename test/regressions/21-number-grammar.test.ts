// Regression: `--rate 100001` was accepted but `--rate 1e9` refused as "not a positive number";
// `--rate -1`, `--duration -5s` and `--port -1` said "argument is ambiguous". Now every numeric option of
// every command reads one grammar (src/config/number.ts): `1e3` and `100001` are numbers, a negative is
// refused as out of range ("must be ≥ 0"), an out-of-range value names its bound.
import { describe, expect, it } from 'vitest';
import { refusal } from '../fixtures/usage-refusal.ts';
import { parseLoadArgs } from '../../src/cli/load.ts';
import { renderK8sManifest } from '../../src/cli/k8s.ts';
import { mockOptionsFromArgs } from '../../src/cli/mock.ts';
import { command as verifyClient } from '../../src/cli/verify-client.ts';


describe('one number grammar', () => {
  it('reads 1e3 and 100001 as numbers', () => {
    expect(parseLoadArgs(['--rate', '1e3'], {}).rate).toBe(1000);
    expect(parseLoadArgs(['--rate', '100001'], {}).rate).toBe(100_001);
    expect(parseLoadArgs(['--rate', '2.5e1', '--max-vus', '1e2'], {})).toMatchObject({ rate: 25, maxVUs: 100 });
    expect(parseLoadArgs(['--duration', '1.5e3ms'], {}).durationMs).toBe(1500);
    expect(mockOptionsFromArgs(['--port', '4e3']).options.port).toBe(4000);
  });

  it('refuses an out-of-range number by its bound, whatever its notation', async () => {
    expect(await refusal(() => parseLoadArgs(['--rate', '1e9'], {}))).toBe('--rate must be ≤ 1000000, got 1e9');
    expect(await refusal(() => parseLoadArgs(['--rate', '0'], {}))).toBe('--rate must be > 0, got 0');
    expect(await refusal(() => mockOptionsFromArgs(['--port', '1e5']))).toBe('--port must be ≤ 65535, got 1e5');
  });

  it('refuses negatives with "must be ≥ 0", not "argument is ambiguous"', async () => {
    expect(await refusal(() => parseLoadArgs(['--rate', '-1'], {}))).toBe('--rate must be ≥ 0, got -1');
    expect(await refusal(() => parseLoadArgs(['--duration', '-5s'], {}))).toBe('--duration must be ≥ 0, got -5s');
    expect(await refusal(() => mockOptionsFromArgs(['--port', '-1']))).toBe('--port must be ≥ 0, got -1');
    expect(await refusal(() => renderK8sManifest(['--target', 'https://x.example', '--rate', '-1'], {}))).toBe('--rate must be ≥ 0, got -1');
    expect(await refusal(() => verifyClient.run(['--port', '-1', '--', 'true']))).toBe('--port must be ≥ 0, got -1');
    expect(await refusal(() => parseLoadArgs(['--max-vus', '-3'], {}))).toBe('--max-vus must be ≥ 1, got -3');
  });
});
