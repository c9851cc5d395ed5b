// The catalogue is the registry: it is what the checks declare (the generated file is up to date),
// every check that main had keeps its id, title, group, level, source and needs in the same order, ids are
// unique and well-formed, docs/conformance.md lists exactly the catalogue, and the deviations file and the fault
// matrix only name catalogued checks.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, GROUPS, LEVELS } from '../src/conformance/catalogue.ts';
import { DOC_FILE, documentedTable, renderCheckTable } from '../src/conformance/catalogue-doc.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { loadFaultMatrix } from '../src/conformance/fault-matrix.ts';
import { SUITE_DIR } from '../src/conformance/paths.ts';
import { GENERATED_FILE, deriveCatalogue, renderGenerated } from '../scripts/conformance-catalogue.ts';

// The catalogue as it stood before the checks declared their own entries; ids, titles, levels and
// sources are interfaces (reports, deviations, --only), so none may change or move.
const BEFORE = JSON.parse(readFileSync(new URL('fixtures/conformance-checks-main.json', import.meta.url), 'utf8')) as unknown[];

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

  it('is what docs/conformance.md lists (regenerate: npx tsx scripts/conformance-catalogue.ts)', () => {
    expect(documentedTable(readFileSync(DOC_FILE, 'utf8'))).toBe(renderCheckTable());
  });

  it('is what the suites and the run-scoped checks declare (regenerate: npx tsx scripts/conformance-catalogue.ts)', async () => {
    const derived = await deriveCatalogue();
    expect(derived).toEqual(CHECKS);
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderGenerated(derived));
  });

  it('keeps every check of the catalogue before declarations moved into the suites, unchanged and in order', async () => {
    const derived = await deriveCatalogue();
    const ids = new Set(BEFORE.map((c) => (c as { id: string }).id));
    expect(BEFORE).toHaveLength(76);
    expect(derived.filter((c) => ids.has(c.id))).toStrictEqual(BEFORE);
  });

  it('loads the deviations data and the fault matrix (both only name catalogued checks and known faults)', () => {
    expect([...loadDeviations('mock').values()].every((reason) => reason.length > 20)).toBe(true);
    expect(loadFaultMatrix().length).toBeGreaterThan(0);
  });
});
