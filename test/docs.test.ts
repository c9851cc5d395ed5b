// The README documents the registries: its fault table must equal the one rendered from
// src/mock/faults.ts (the check table is kept in step by test/conformance-catalogue.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_TABLE_END, FAULT_TABLE_START, renderFaultTable } from '../src/mock/faults.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists exactly the fault modes of the registry', () => {
    const start = readme.indexOf(FAULT_TABLE_START);
    const end = readme.indexOf(FAULT_TABLE_END);
    expect(start, 'fault table markers missing').toBeGreaterThan(-1);
    expect(readme.slice(start + FAULT_TABLE_START.length, end).trim()).toBe(renderFaultTable());
  });

  it('holds exactly the two set-up commands', () => {
    const setup = readme.slice(readme.indexOf('## Set-up'), readme.indexOf('## Commands'));
    const commands = [...setup.matchAll(/^(npm ci && npm \w+)/gm)].map((m) => m[1]);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });
});
