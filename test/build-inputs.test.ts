// The CLI tests reuse a checkout's dist/ only when it is a build of the sources as they are now: the
// hash of the build's inputs must change with any input's content, with a file added, removed or renamed,
// and a build without its marker (stopped half-way) is never current.
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_INPUTS_FILE, buildInputsHash, isCurrentBuild } from '../scripts/build-inputs.ts';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-inputs-'));
  mkdirSync(join(root, 'src', 'mock'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'src', 'mock', 'index.ts'), 'export const b = 2;\n');
  writeFileSync(join(root, 'package.json'), '{"name":"x"}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build inputs', () => {
  it('the hash is stable and changes with a content edit, an added, a removed and a renamed file', () => {
    const first = buildInputsHash(root);
    expect(buildInputsHash(root)).toBe(first);
    const seen = new Set([first]);
    const changed = (what: string) => {
      const h = buildInputsHash(root);
      expect(seen.has(h), what).toBe(false);
      seen.add(h);
    };
    writeFileSync(join(root, 'src', 'cli.ts'), 'export const a = 2;\n');
    changed('content edit');
    writeFileSync(join(root, 'src', 'mock', 'extra.ts'), '');
    changed('added file');
    renameSync(join(root, 'src', 'mock', 'extra.ts'), join(root, 'src', 'mock', 'other.ts'));
    changed('renamed file');
    rmSync(join(root, 'src', 'mock', 'other.ts'));
    writeFileSync(join(root, 'package.json'), '{"name":"y"}\n');
    changed('package.json edit');
  });

  it('a dist/ is current only with the marker of the inputs as they are now', () => {
    const dist = join(root, 'dist');
    mkdirSync(dist);
    expect(isCurrentBuild(root, dist), 'no marker: a build stopped half-way').toBe(false);
    writeFileSync(join(dist, BUILD_INPUTS_FILE), `${buildInputsHash(root)}\n`);
    expect(isCurrentBuild(root, dist)).toBe(true);
    writeFileSync(join(root, 'src', 'mock', 'index.ts'), 'export const b = 3;\n');
    expect(isCurrentBuild(root, dist), 'a source edited after the build').toBe(false);
  });
});
