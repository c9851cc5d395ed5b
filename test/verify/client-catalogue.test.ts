// The client rule catalogue is code and docs/verify-client.md must match it (like the fault table): every
// id the docs name exists exactly once with a level, source, title, fix and real-world answer; the
// doc's rule table is the generated one; SHOULD rules are exactly the inferred ones of decision 0070.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_RULE_TABLE_END, CLIENT_RULE_TABLE_START, CLIENT_RULES, renderClientRuleTable } from '../../src/verify/rules.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RULE_IDS = [
  'client.upload.file-last', 'client.upload.fields-complete', 'client.upload.fields-unchanged', 'client.upload.no-extra-fields',
  'client.upload.size-declared', 'client.upload.content-type-declared', 'client.upload.multipart-well-formed', 'client.upload.within-expiry',
  'client.handle.request-valid', 'client.attach.after-upload', 'client.attach.context-endpoint', 'client.attach.json',
  'client.handle.single-use', 'client.handle.unused', 'client.auth.basic', 'client.retry.retry-after', 'client.retry.bounded',
  'client.upload.cors-allowed', // a cross-origin browser upload the bucket's CORS rule does not allow
];

describe('client rule catalogue', () => {
  it('has exactly the documented client rule ids, each once, fully described', () => {
    expect(CLIENT_RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
    for (const r of CLIENT_RULES) for (const k of ['title', 'source', 'fix', 'realAnswer'] as const) expect(r[k].length, `${r.id}.${k}`).toBeGreaterThan(10);
    expect(CLIENT_RULES.find((r) => r.id === 'client.handle.unused')!.level).toBe('SHOULD');
  });

  it('the rule table of docs/verify-client.md is the generated one', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'verify-client.md'), 'utf8');
    const start = doc.indexOf(CLIENT_RULE_TABLE_START);
    const end = doc.indexOf(CLIENT_RULE_TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(doc.slice(start + CLIENT_RULE_TABLE_START.length, end).trim()).toBe(renderClientRuleTable());
  });

  it('decision 0070 lists every rule with the level the code gives it', () => {
    const note = readFileSync(join(ROOT, 'docs', 'decisions', '0070-client-rule-levels.md'), 'utf8');
    for (const r of CLIENT_RULES) expect(note).toContain(`| \`${r.id}\` | ${r.level} |`);
  });
});
