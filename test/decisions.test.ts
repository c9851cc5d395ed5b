// docs/decisions/: every decision says its status, and the README's index is the one generated from the
// decision files — a new decision without a Status line, or one the index does not list, fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISIONS_DIR, INDEX_END, INDEX_START, readDecisions, renderDecisionIndex, STATUS_KINDS } from '../scripts/decisions-index.ts';

describe('docs/decisions', () => {
  const decisions = readDecisions();

  it('every decision has a Status line of a known kind under its heading', () => {
    const bad = decisions.filter((d) => d.status === undefined || !STATUS_KINDS.some((k) => d.status!.toLowerCase().startsWith(k))).map((d) => d.file);
    expect(bad).toEqual([]);
    expect(decisions.length).toBeGreaterThan(50);
  });

  it('a superseded decision names the decision that supersedes it, and that one exists', () => {
    const numbers = new Set(decisions.map((d) => d.number));
    for (const d of decisions.filter((x) => x.status!.toLowerCase().startsWith('superseded'))) {
      const by = /^superseded by (\d{4})/i.exec(d.status!)?.[1];
      expect(by && numbers.has(by), `${d.file}: ${d.status}`).toBe(true);
    }
  });

  it('README.md holds the generated index (npm run docs:decisions)', () => {
    const readme = readFileSync(join(DECISIONS_DIR, 'README.md'), 'utf8');
    const start = readme.indexOf(INDEX_START);
    const end = readme.indexOf(INDEX_END);
    expect(start, 'index markers missing').toBeGreaterThan(-1);
    expect(readme.slice(start + INDEX_START.length, end).trim()).toBe(renderDecisionIndex(decisions));
  });

  it('the index shows a decision without a Status line as such, and a superseded one with its successor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uh-decisions-'));
    try {
      writeFileSync(join(dir, '9001-old.md'), '# 9001 — Old way\n\nStatus: superseded by 9002 (the new way)\n');
      writeFileSync(join(dir, '9002-new.md'), '# 9002 — New way\n\nStatus: accepted (supersedes 9001)\n');
      writeFileSync(join(dir, '9003-unsaid.md'), '# 9003 — No status\n\nText.\n');
      expect(renderDecisionIndex(readDecisions(dir)).split('\n').slice(2)).toEqual([
        '| [9001](9001-old.md) | Old way | superseded by [9002](9002-new.md) |',
        '| [9002](9002-new.md) | New way | accepted; see [9001](9001-old.md) |',
        '| [9003](9003-unsaid.md) | No status | (no Status line) |',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
