// The check catalogue: every conformance check with a stable id, a one-line title, its group, its
// evidence level and the rule's source (an entry of docs/sources.md, checked by test/sources.test.ts).
// Each check declares these where it is implemented (`check({id, title, level, source, needs}, body)`
// inside `suite(group, …)`); this module is the registry built from those declarations, which the
// runner, the reporter, the docs/conformance.md check table, the deviations file and the fault matrix read.
//
// Levels follow the evidence (docs/decisions/0020-conformance-levels.md): documented by Ashby or by S3 for
// POST policies → MUST; inferred → SHOULD (a warning unless --strict); observed / open → INFO (records which
// documented behaviour the target chose; an answer outside them fails, docs/decisions/0026).

import type { CheckGroup, CheckLevel } from '../results/conformance.ts';

// Groups and levels are part of the results model (reports count by them); the catalogue assigns them.
export { GROUPS, LEVELS, type CheckGroup, type CheckLevel } from '../results/conformance.ts';

/** What a check needs from the target configuration; missing → skipped with the reason. */
export type CheckNeed =
  | 'candidate' // a candidate to attach uploads to: --candidate-id, or --allow-writes to create one
  | 'job-posting' // --job-posting-id (and consent to submit an application)
  | 'limited-key' // a key without candidatesWrite
  | 'other-org-key' // a key of another organisation
  | 'writes' // creates records on the target (--allow-writes; always allowed on the mock)
  | 'slow'; // waits out the 10-minute URL expiry: the mock's clock control, or --slow on a real target

export interface CheckDefinition {
  id: string;
  title: string;
  group: CheckGroup;
  level: CheckLevel;
  source: string;
  needs?: readonly CheckNeed[];
  /** 'run': judged by the runner over every exchange of the run (all checks, their set-up steps
   * included), not by a suite; it has a result whatever --only selects. */
  scope?: 'run';
}

// Derived from the declarations (check() in conformance/*.test.ts, the run-scoped checks of
// src/conformance/server-errors.ts) by scripts/conformance-catalogue.ts; test/conformance-catalogue.test.ts
// fails when it is out of date.
export { CHECKS } from './catalogue.generated.ts';
import { CHECKS } from './catalogue.generated.ts';

const byId = new Map(CHECKS.map((c) => [c.id, c]));

export function getCheck(id: string): CheckDefinition {
  const check = byId.get(id);
  if (!check) throw new Error(`check "${id}" is not in the catalogue (src/conformance/catalogue.ts)`);
  return check;
}

export function hasCheck(id: string): boolean {
  return byId.has(id);
}
