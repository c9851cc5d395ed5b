// The catalogue is the registry: ids are unique and well-formed, every check has a level and a source,
// docs/conformance.md lists exactly the catalogue, the deviations file and the fault matrix only name
// catalogued checks, and the suites only run catalogued ids.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, GROUPS, LEVELS } from '../src/conformance/catalogue.ts';
import { DOC_FILE, documentedTable, renderCheckTable } from '../src/conformance/catalogue-doc.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { loadFaultMatrix } from '../src/conformance/fault-matrix.ts';
import { SUITE_DIR } from '../src/conformance/paths.ts';

describe('check catalogue', () => {
  it('has unique, well-formed ids with a group, a level and a source each', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^[a-z][a-z0-9-]*(\.[a-zA-Z0-9-]+)+$/);
      expect(GROUPS).toContain(c.group);
      expect(LEVELS).toContain(c.level);
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.source.length).toBeGreaterThan(5);
    }
  });

  it('covers every group with one suite file each', () => {
    const files = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace('.test.ts', ''));
    expect(files.sort()).toEqual([...GROUPS].sort());
    for (const g of GROUPS) expect(CHECKS.some((c) => c.group === g)).toBe(true);
  });

  it('is what docs/conformance.md lists (regenerate: npx tsx src/conformance/catalogue-doc.ts)', () => {
    expect(documentedTable(readFileSync(DOC_FILE, 'utf8'))).toBe(renderCheckTable());
  });

  it('names every literal check id used by the suites', () => {
    for (const f of readdirSync(SUITE_DIR).filter((x) => x.endsWith('.test.ts'))) {
      const text = readFileSync(join(SUITE_DIR, f), 'utf8');
      for (const m of text.matchAll(/check\(\s*'([^'$]+)'/g)) expect(CHECKS.map((c) => c.id), `${f}: ${m[1]}`).toContain(m[1]);
    }
  });

  it('loads the deviations data and the fault matrix (both only name catalogued checks and known faults)', () => {
    expect([...loadDeviations('mock').values()].every((reason) => reason.length > 20)).toBe(true);
    expect(loadFaultMatrix().length).toBeGreaterThan(0);
  });
});
