// The check table of docs/conformance.md, rendered from the catalogue. The doc keeps a copy between
// markers; test/conformance-catalogue.test.ts fails when the copy and the catalogue differ, and
// `npx tsx scripts/conformance-catalogue.ts` rewrites it (and the fault table of docs/mock.md,
// test/docs.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_TABLE_END, FAULT_TABLE_START, renderFaultTable } from '../mock/faults.ts';
import { CHECKS, type CheckDefinition, type CheckNeed } from './catalogue.ts';
import { REPO_ROOT } from './paths.ts';

export const DOC_FILE = join(REPO_ROOT, 'docs', 'conformance.md');
const FAULT_DOC_FILE = join(REPO_ROOT, 'docs', 'mock.md');
const TABLE_START = '<!-- check-table:start (generated from src/conformance/catalogue.ts) -->';
const TABLE_END = '<!-- check-table:end -->';

const NEED_TEXT: Record<CheckNeed, string> = {
  candidate: 'candidate',
  'job-posting': 'job posting',
  'limited-key': 'limited key',
  'other-org-key': 'other-org key',
  writes: 'writes',
  slow: 'slow',
};

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderCheckTable(checks: readonly CheckDefinition[] = CHECKS): string {
  const rows = checks.map((c) => `| \`${c.id}\` | ${c.group} | ${c.level} | ${cell(c.title)} | ${cell(c.source)} | ${(c.needs ?? []).map((n) => NEED_TEXT[n]).join(', ')} |`);
  return ['| id | group | level | check | source | needs |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** The table currently in the doc (between the markers), or undefined when the markers are missing. */
export function documentedTable(text: string): string | undefined {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end === -1) return undefined;
  return text.slice(start + TABLE_START.length, end).trim();
}

/** Rewrites the part of `file` between two markers with `table`; throws when a marker is missing. */
function replaceBetween(file: string, startMarker: string, endMarker: string, table: string): void {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start === -1 || end === -1) throw new Error(`${file}: marker ${start === -1 ? startMarker : endMarker} is missing`);
  writeFileSync(file, `${text.slice(0, start + startMarker.length)}\n${table}\n${text.slice(end)}`);
}

/** Rewrites both generated tables: the check table (of `checks`) here and the mock's fault table. */
export function rewriteDocTables(checks: readonly CheckDefinition[]): void {
  replaceBetween(DOC_FILE, TABLE_START, TABLE_END, renderCheckTable(checks));
  replaceBetween(FAULT_DOC_FILE, FAULT_TABLE_START, FAULT_TABLE_END, renderFaultTable());
}
