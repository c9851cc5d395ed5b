// The fault matrix (conformance/fault-matrix.json): for every 'api'/'storage' fault of the mock, the
// checks that must fail when it is active; 'transport' faults carry the reason they are proven
// elsewhere. Loading validates the table against the fault registry and the catalogue, so a new fault
// without a killing check, or a renamed check, breaks the build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS } from '../mock/faults.ts';
import { hasCheck } from './catalogue.ts';
import { SUITE_DIR } from './paths.ts';
import { GROUPS, type CheckGroup, type RunResults } from '../results/index.ts';

const FAULT_MATRIX_FILE = join(SUITE_DIR, 'fault-matrix.json');

export interface FaultRow {
  fault: string;
  layer: string;
  mustFail: string[];
  /** Groups to run beyond those of the named checks (a run-scoped check is caught by another group's request). */
  groups?: CheckGroup[];
  transport?: string;
}

export function loadFaultMatrix(file = FAULT_MATRIX_FILE): FaultRow[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { faults: Record<string, { mustFail?: string[]; groups?: CheckGroup[]; transport?: string }> };
  const problems: string[] = [];
  const rows = FAULTS.map((f): FaultRow => {
    const entry = doc.faults[f.name];
    if (!entry) problems.push(`fault "${f.name}" is missing from the matrix`);
    const mustFail = entry?.mustFail ?? [];
    if (f.layer === 'transport') {
      if (!entry?.transport) problems.push(`transport fault "${f.name}" needs a "transport" reason`);
    } else if (mustFail.length === 0) problems.push(`fault "${f.name}" (${f.layer}) names no check that catches it`);
    for (const id of mustFail) if (!hasCheck(id)) problems.push(`fault "${f.name}" names unknown check "${id}"`);
    for (const g of entry?.groups ?? []) if (!GROUPS.includes(g)) problems.push(`fault "${f.name}" names unknown group "${g}"`);
    return { fault: f.name, layer: f.layer, mustFail, transport: entry?.transport, ...(entry?.groups ? { groups: entry.groups } : {}) };
  });
  for (const name of Object.keys(doc.faults)) if (!FAULTS.some((f) => f.name === name)) problems.push(`matrix lists unknown fault "${name}"`);
  if (problems.length) throw new Error(`conformance/fault-matrix.json: ${problems.join('; ')}`);
  return rows;
}

/** A check "kills" a fault when its assertion fails: fail, or warn for SHOULD/INFO levels. */
export function killedBy(results: RunResults): string[] {
  return results.checks.filter((c) => c.status === 'fail' || (c.status === 'warn' && !c.deviation)).map((c) => c.id);
}

export interface FaultOutcome {
  row: FaultRow;
  killers: string[];
  /** Named checks that did not fail. */
  survivors: string[];
  errors: string[];
}

export function renderMatrix(outcomes: FaultOutcome[]): string {
  const lines = [`${'fault'.padEnd(28)} | layer     | caught | killing checks (named ✓ / also failing +)`];
  for (const o of outcomes) {
    const named = o.row.mustFail.map((id) => `${o.killers.includes(id) ? '✓' : '✗'} ${id}`);
    const extra = o.killers.filter((id) => !o.row.mustFail.includes(id)).map((id) => `+ ${id}`);
    lines.push(`${o.row.fault.padEnd(28)} | ${o.row.layer.padEnd(9)} | ${o.survivors.length === 0 && o.killers.length ? 'yes   ' : 'NO    '} | ${[...named, ...extra].join(', ')}`);
  }
  const caught = outcomes.filter((o) => o.survivors.length === 0 && o.killers.length > 0).length;
  lines.push(`score: ${caught}/${outcomes.length} faults caught by their named checks`);
  return lines.join('\n');
}
