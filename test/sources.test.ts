// Every `source` the harness shows a user (check catalogue, fault registry, client rules, robustness
// faults) must rest on an entry of
// docs/sources.md, the repository's own record of the public pages it relies on; and nothing shipped may
// cite documents that are not in the repository.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../src/conformance/catalogue.ts';
import { FAULTS } from '../src/mock/faults.ts';
import { CLIENT_RULES } from '../src/verify/rules.ts';
import { ROBUSTNESS_FAULTS } from '../src/verify/robustness.ts';

const root = new URL('..', import.meta.url).pathname;
const sourcesDoc = readFileSync(join(root, 'docs/sources.md'), 'utf8');
const ENTRIES = [...sourcesDoc.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());

/** The entry a `source` part rests on: the longest entry it equals or starts with (followed by ':', ' (' or end). */
export function entryOf(part: string): string | undefined {
  return ENTRIES.filter((e) => part === e || part.startsWith(`${e}:`) || part.startsWith(`${e} (`)).sort((a, b) => b.length - a.length)[0];
}

function unresolved(source: string): string[] {
  return source.split('; ').filter((part) => entryOf(part.trim()) === undefined);
}

const SHOWN_SOURCES: { where: string; source: string }[] = [
  ...CHECKS.map((c) => ({ where: `check ${c.id}`, source: c.source })),
  ...FAULTS.map((f) => ({ where: `fault ${f.name}`, source: f.source })),
  ...CLIENT_RULES.map((r) => ({ where: `client rule ${r.id}`, source: r.source })),
  ...ROBUSTNESS_FAULTS.map((f) => ({ where: `robustness fault ${f.name}`, source: f.source })),
];

describe('docs/sources.md', () => {
  it('has entries, each with a public page or document named', () => {
    expect(ENTRIES.length).toBeGreaterThan(10);
    const sections = sourcesDoc.split(/^## /m).slice(1);
    for (const s of sections) if (!s.startsWith('inferred')) expect(s, s.split('\n')[0]).toMatch(/https:\/\/|OpenAPI document/);
  });

  it('resolves every source of the check catalogue, the fault registry, the client rules and the robustness faults', () => {
    expect(SHOWN_SOURCES.length).toBeGreaterThan(CHECKS.length + FAULTS.length + 20);
    const bad = SHOWN_SOURCES.flatMap(({ where, source }) => unresolved(source).map((p) => `${where}: "${p}"`));
    expect(bad).toEqual([]);
  });

  it('rejects a source that names no entry (the check can fail)', () => {
    expect(unresolved('Ashby docs: authentication; somewhere else: a page')).toEqual(['somewhere else: a page']);
    expect(unresolved('inferred (research notes)')).toEqual([]);
  });
});

const SHIPPED = ['src', 'scenarios', 'conformance', 'schemas', 'docs', 'examples', 'bin', 'README.md'];
const FOREIGN = /research\/[a-z0-9-]+\.md|\bresearch §|\b(anchors|ashby-api|k6|peers-and-asks|s3-post-policy)\.md\b|\.\.\/shared|\bDESIGN(\.md| ?§)|\bDOC D\d+|\bSPEC S-[a-z]+|\(S-[a-z]+\)|\((D\d+)\)/;

function* files(path: string): Generator<string> {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'screenshots') yield* files(join(path, name));
  } else if (/\.(ts|js|mjs|json|md|yml|yaml|sh|html)$/.test(path)) yield path;
}

describe('citations stay inside the repository', () => {
  it('no shipped file cites a document that is not in the repository', () => {
    const offenders: string[] = [];
    for (const top of SHIPPED) {
      for (const f of files(join(root, top))) {
        readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
          if (FOREIGN.test(line)) offenders.push(`${relative(root, f)}:${i + 1}: ${line.trim().slice(0, 100)}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
