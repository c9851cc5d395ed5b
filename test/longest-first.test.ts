// The order `npm test` starts its files in (test/support/longest-first.ts, decision 0196): the named long
// files first within their project, every other file in vitest's own order, the projects and groups as
// vitest orders them; a name that does not exist is refused.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { longestFirst } from './support/longest-first.ts';

const ROOT = join(import.meta.dirname, '..');
/** File sizes vitest would know; without a results cache it orders a project's files by them, larger first. */
const SIZES: Record<string, number> = {
  'test/protocol.test.ts': 9_000,
  'test/errors.test.ts': 5_000,
  'test/fault-matrix.test.ts': 4_000,
  'test/load-mock.test.ts': 3_000,
  'test/cli-help.test.ts': 8_000,
  'test/network-proxy-tls.test.ts': 2_000,
  'test/load/engine-scheduler.test.ts': 1_000,
};

function spec(project: string, path: string, groupOrder = 0): TestSpecification {
  return { moduleId: join(ROOT, path), project: { name: project, config: { root: ROOT, isolate: false, sequence: { groupOrder } } } } as unknown as TestSpecification;
}

const ctx = {
  config: { root: ROOT },
  cache: { getFileTestResults: () => undefined, getFileStats: (key: string) => ({ size: SIZES[key.slice(key.indexOf(':') + 1)] }) },
} as unknown as Vitest;

const names = (specs: TestSpecification[]) => specs.map((s) => `${s.project.name}:${s.moduleId.slice(ROOT.length + 1)}`);

describe('longest files first', () => {
  it('starts the named files first within their project, keeps vitest order for the rest and the projects in order', async () => {
    const Sequencer = longestFirst(ROOT, ['test/network-proxy-tls.test.ts', 'test/load-mock.test.ts', 'test/fault-matrix.test.ts']);
    const files = [
      spec('unit', 'test/errors.test.ts'),
      spec('timing', 'test/load/engine-scheduler.test.ts', 1),
      spec('unit', 'test/fault-matrix.test.ts'),
      spec('cli', 'test/cli-help.test.ts'),
      spec('unit', 'test/protocol.test.ts'),
      spec('unit', 'test/load-mock.test.ts'),
      spec('cli', 'test/network-proxy-tls.test.ts'),
    ];
    expect(names(await new Sequencer(ctx).sort(files))).toEqual([
      'cli:test/network-proxy-tls.test.ts',
      'cli:test/cli-help.test.ts',
      'unit:test/load-mock.test.ts',
      'unit:test/fault-matrix.test.ts',
      'unit:test/protocol.test.ts',
      'unit:test/errors.test.ts',
      'timing:test/load/engine-scheduler.test.ts',
    ]);
    // vitest's own order, for comparison: by size within each project, the long small files last
    expect(names(await new (longestFirst(ROOT, []))(ctx).sort(files))).toEqual([
      'cli:test/cli-help.test.ts',
      'cli:test/network-proxy-tls.test.ts',
      'unit:test/protocol.test.ts',
      'unit:test/errors.test.ts',
      'unit:test/fault-matrix.test.ts',
      'unit:test/load-mock.test.ts',
      'timing:test/load/engine-scheduler.test.ts',
    ]);
  });

  it('refuses a name that does not exist, naming it', () => {
    expect(() => longestFirst(ROOT, ['test/fault-matrix.test.ts', 'test/renamed-away.test.ts'])).toThrow('LONGEST_FIRST names files that do not exist: test/renamed-away.test.ts');
  });
});
