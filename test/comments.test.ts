// Comments say why, not history: none cites an issue number ("issue 12 §4") — the reason belongs in the
// comment itself or in a decision under docs/decisions/, which stay true when the tracker moves on.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('comments', () => {
  it('cite no issue numbers in src/, scenarios/, conformance/, test/, bench/ or scripts/', () => {
    let hits = '';
    try {
      hits = execFileSync('git', ['grep', '-n', '-i', '-E', '\\bissues? #?[0-9]+', '--', 'src', 'scenarios', 'conformance', 'test', 'bench', 'scripts', ':!test/comments.test.ts'], { encoding: 'utf8' });
    } catch (err) {
      if ((err as { status?: number }).status !== 1) throw err; // 1: nothing found
    }
    expect(hits).toBe('');
  });
});
