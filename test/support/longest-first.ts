// The order `npm test` starts its files in. vitest's own order puts the files whose durations its results
// cache remembers longest first, and the others largest first; a fresh clone (CI) has no cache, and a
// file's size says little about its time (a short file may run a whole load test). A long file started
// last keeps one worker busy while the others have nothing left: the run's end waited ~15 s on two such
// files. So the files named here (longest first, as measured) start first within their project, and the
// many short files fill the end. Projects still run one after another as vitest orders them: a worker is
// reused only for a file of its own project, and a switch between projects starts new workers.
// With a sequencer of its own, vitest's `--sequence.shuffle` shuffles the tests within each file, not the
// order of the files.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export function longestFirst(root: string, files: readonly string[]): typeof BaseSequencer {
  const missing = files.filter((f) => !existsSync(join(root, f)));
  if (missing.length) throw new Error(`vitest.config.ts: LONGEST_FIRST names files that do not exist: ${missing.join(', ')}`);
  const rank = (spec: TestSpecification) => {
    const i = files.indexOf(relative(root, spec.moduleId));
    return i === -1 ? files.length : i;
  };
  return class LongestFirst extends BaseSequencer {
    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const ordered = await super.sort(specs);
      const block = new Map<string, number>();
      for (const s of ordered) if (!block.has(s.project.name)) block.set(s.project.name, block.size);
      return [...ordered].sort((a, b) => block.get(a.project.name)! - block.get(b.project.name)! || rank(a) - rank(b));
    }
  };
}
