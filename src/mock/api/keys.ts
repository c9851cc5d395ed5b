// API keys the mock accepts: each with a title, an organisation and permissions, like
// Ashby's keys (docs/sources.md, "Ashby docs: authentication").
import { readFileSync } from 'node:fs';
import { PERMISSIONS, type Permission } from '../../protocol/constants.ts';
import { UsageError } from '../../config/errors.ts';

export interface MockKey {
  key: string;
  title: string;
  organizationId: string;
  permissions: Permission[];
}

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';

/** Test keys, printed at start-up like an emulator's well-known credentials. */
export const DEFAULT_KEYS: MockKey[] = [
  { key: 'mock-full-access', title: 'Mock full access', organizationId: ORG_A, permissions: [...PERMISSIONS] },
  { key: 'mock-read-only', title: 'Mock read only', organizationId: ORG_A, permissions: ['candidatesRead', 'jobsRead', 'apiKeysRead'] },
  { key: 'mock-other-org', title: 'Mock other organisation', organizationId: ORG_B, permissions: [...PERMISSIONS] },
];

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Checks one entry; returns the problems found (empty when valid). */
function problemsOf(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return ['must be an object'];
  const e = entry as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['key', 'title', 'organizationId'] as const) {
    if (!nonEmptyString(e[field])) problems.push(`"${field}" must be a non-empty string`);
  }
  if (!Array.isArray(e.permissions)) problems.push('"permissions" must be an array');
  else {
    for (const p of e.permissions) {
      if (!PERMISSIONS.includes(p as Permission)) problems.push(`unknown permission ${JSON.stringify(p)} (known: ${PERMISSIONS.join(', ')})`);
    }
  }
  return problems;
}

/** Parses and validates a keys file's text; `source` names it in messages. */
function parseKeys(text: string, source: string): MockKey[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`keys file ${source} is not valid JSON: ${(err as Error).message}`, 'expected a JSON array of {key, title, organizationId, permissions}');
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new UsageError(`keys file ${source} must hold a non-empty JSON array`, 'expected [{"key": "...", "title": "...", "organizationId": "...", "permissions": ["candidatesWrite"]}]');
  }
  const seen = new Set<string>();
  data.forEach((entry, i) => {
    const problems = problemsOf(entry);
    const key = (entry as { key?: unknown } | null)?.key;
    if (problems.length === 0 && seen.has(key as string)) problems.push('duplicate "key"');
    if (problems.length > 0) throw new UsageError(`keys file ${source}, entry ${i}: ${problems.join('; ')}`);
    seen.add(key as string);
  });
  return (data as MockKey[]).map((k) => ({ key: k.key, title: k.title, organizationId: k.organizationId, permissions: [...k.permissions] }));
}

export function loadKeysFile(path: string): MockKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read keys file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseKeys(text, path);
}
