// The behaviour record of a conformance run (behaviour.json next to results.json; schemas/reports/
// behaviour-record.json describes it) and the changes between two records (a run against its baseline,
// or the mock against a target). Only what a target chose counts as behaviour: statuses, envelope kinds,
// error codes, answer shapes (names and types, never values), the handle's form-field order, policy
// conditions relative to the request, INFO choices and per-check latency. Volatile values (ids, dates,
// signatures, request ids) are left out where the record is built, and no secret can be in it: it holds
// no value the target sent except error codes and scrubbed INFO texts.
import type { CheckLevel, CheckStatus, Counts } from './conformance.ts';

export const BEHAVIOUR_RECORD_KIND = 'upload-harness/behaviour-record';
export const BEHAVIOUR_RECORD_VERSION = 1;

/** What one answer showed of the target's behaviour (computed from the raw answer before redaction). */
export interface AnswerBehaviour {
  /** The API envelope: success, error, or none (storage answers, non-JSON bodies). */
  envelope: 'success' | 'error' | 'none';
  /** errorInfo.code, or else errors[0], of an error envelope. */
  errorCode?: string;
  /** <Error><Code> of an S3 error answer. */
  s3Code?: string;
  /** The JSON body's shape: member names (sorted) and value types, never values. */
  shape?: string;
  /** The handle answer's presigned form: field names in the order given. */
  fields?: string[];
  /** The handle answer's POST policy: each condition's name, operator and bounds relative to the request. */
  policy?: string[];
}

export interface ExchangeBehaviour extends AnswerBehaviour {
  /** Method and path, volatile path segments (ids, object keys) replaced by `*`. */
  request: string;
  /** HTTP status; absent when no answer came. */
  status?: number;
  /** Set when the exchange ended in a transport error (its text is not behaviour). */
  transportError?: true;
}

export interface CheckBehaviour {
  id: string;
  level: CheckLevel;
  status: CheckStatus;
  /** Set when the check did not run to an outcome because the run was interrupted: never compared. */
  interrupted?: true;
  /** Time on the wire: the sum of the check's exchange durations, in milliseconds (rounded). */
  latencyMs: number;
  /** INFO checks: what the target chose, volatile values replaced by placeholders. */
  info: string[];
  exchanges: ExchangeBehaviour[];
}

export interface BehaviourRecord {
  kind: typeof BEHAVIOUR_RECORD_KIND;
  schemaVersion: typeof BEHAVIOUR_RECORD_VERSION;
  target: { name: string; mock: boolean; profile?: string };
  startedAt: string;
  incomplete?: true;
  checks: CheckBehaviour[];
}

export const CHANGE_KINDS = ['new-failure', 'fixed-failure', 'status', 'info-choice', 'answer', 'latency', 'check-added', 'check-removed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Which side of a comparison follows the documented rule (drift): or the docs leave it open. */
export type RuleVerdict = 'mock' | 'target' | 'neither' | 'open';

export interface BehaviourChange {
  /** Stable id, `<check>/<kind>[/<exchange>/<aspect>]`: what --accept-changes lists. */
  id: string;
  check: string;
  kind: ChangeKind;
  /** One line: what changed. */
  what: string;
  before: string;
  after: string;
  /** The reason from --accept-changes, when the change is accepted. */
  accepted?: string;
  /** Drift only: which side follows the documented rule (or the docs leave it open). */
  rule?: RuleVerdict;
}

export interface BehaviourComparison {
  /** The baseline file (conform --baseline) or the two sides' names (drift). */
  baseline: string;
  /** --max-regression in percent, when latency was compared. */
  maxRegressionPct?: number;
  /** Checks compared, and those left out because either side did not run them to an outcome. */
  compared: number;
  notCompared: string[];
  changes: BehaviourChange[];
  /** No change that is not accepted. */
  ok: boolean;
}

/** Drift: one behaviour in which the mock and the target differ, however many checks show it. */
export interface DriftDifference {
  /** The change that stands for the difference (its check's own change when there is one). */
  id: string;
  what: string;
  /** Which side follows the documented rule, or 'open' when no MUST/SHOULD check judges it. */
  rule: RuleVerdict;
  /** The checks that show it. */
  checks: string[];
  /** Its changes; before is the mock, after the target. */
  changes: BehaviourChange[];
}

export const DRIFT_RESULTS_KIND = 'upload-harness/drift-results';
export const DRIFT_RESULTS_VERSION = 1;

/** The results model of `upload-harness drift` (reports/drift/results.json; schemas/reports/drift-results.json). */
export interface DriftResults {
  kind: typeof DRIFT_RESULTS_KIND;
  schemaVersion: typeof DRIFT_RESULTS_VERSION;
  tool: 'upload-harness drift';
  target: { name: string; baseUrl: string };
  /** The embedded mock's side; `profile` when it answered with one. */
  mock: { profile?: string };
  startedAt: string;
  durationMs: number;
  /** Each side's check counts. */
  summary: { mock: Counts; target: Counts };
  /** Checks compared, and those not run to an outcome on either side. */
  compared: number;
  notCompared: string[];
  differences: DriftDifference[];
  harnessErrors: string[];
  /** 0 no difference, 1 a difference, 2 a harness error or an interrupted run. */
  exitCode: 0 | 1 | 2;
  incomplete?: true;
}
