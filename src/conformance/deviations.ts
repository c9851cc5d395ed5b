// Known deviations of a target live in data (conformance/deviations.json), each with its reason, never
// in `if` branches of the suites (undici's expectation.json, s3-tests' markers; docs/decisions/0024).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../config/errors.ts';
import { hasCheck } from './catalogue.ts';
import { REPO_ROOT } from './paths.ts';

const DEVIATIONS_FILE = join(REPO_ROOT, 'conformance', 'deviations.json');

export type Deviations = ReadonlyMap<string, string>;

/** The deviations listed for `targetName`; unknown check ids are a harness error (stale data). */
export function loadDeviations(targetName: string, file = DEVIATIONS_FILE): Deviations {
  let doc: { targets?: Record<string, Record<string, string>> };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new HarnessError('deviations', `cannot read ${file}: ${(err as Error).message}`);
  }
  const entries = Object.entries(doc.targets?.[targetName] ?? {});
  for (const [id, reason] of entries) {
    if (!hasCheck(id)) throw new HarnessError('deviations', `${file} lists unknown check "${id}" for target "${targetName}"`, 'use an id from the check table of docs/conformance.md');
    if (typeof reason !== 'string' || reason.trim() === '') throw new HarnessError('deviations', `${file}: "${id}" needs a reason`);
  }
  return new Map(entries);
}
