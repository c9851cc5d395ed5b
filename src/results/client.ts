// The results model of a client verification run (`verify-client`, `mock --client-report`): written by
// src/verify/judge.ts, read by the renderers (src/report/client-html.ts, client-junit.ts) and saved as
// results.json. Everything in it is already redacted.

type ClientRuleLevel = 'MUST' | 'SHOULD';
type ClientRuleStatus = 'pass' | 'fail' | 'warn' | 'not-exercised';

export interface ClientViolation {
  ruleId: string;
  level: ClientRuleLevel;
  /** The flow it happened in (absent for stray requests). */
  flowId?: number;
  /** The request (its sequence number in the run). */
  requestSeq?: number;
  message: string;
  /** What the client sent (redacted). */
  sent: string;
  expected: string;
  /** What real S3 / Ashby would have answered. */
  realAnswer: string;
  fix: string;
}

export interface TimelineEntry {
  seq: number;
  /** Milliseconds since the flow's handle was issued (since the run started for stray requests). */
  sinceHandleMs: number;
  method: string;
  /** Path with the query string redacted. */
  path: string;
  status?: number;
  code?: string;
  aborted?: boolean;
  injected?: string;
  /** One line: what this request was (redacted). */
  summary: string;
}

export interface ClientFlowResult {
  id: number;
  context?: string;
  filename?: string;
  contentType?: string;
  contentLength?: number;
  /** What became of it. */
  outcome: 'attached' | 'uploaded, not attached' | 'not uploaded' | 'no handle issued';
  timeline: TimelineEntry[];
  violations: ClientViolation[];
}

/** A client rule as the catalogue declares it (src/verify/rules.ts) and a report shows it. */
export interface ClientRuleInfo {
  id: string;
  level: ClientRuleLevel;
  title: string;
  source: string;
  fix: string;
  realAnswer: string;
}

export interface ClientRuleResult extends ClientRuleInfo {
  status: ClientRuleStatus;
  violations: number;
}

type RobustnessVerdict = 'recovered' | 'gave up cleanly' | 'misbehaved' | 'not exercised';

export interface RobustnessResult {
  fault: string;
  description: string;
  /** What counts as recovered, and where that rests. */
  recovered: string;
  source: string;
  verdict: RobustnessVerdict;
  detail: string;
}

export interface ClientResults {
  kind: 'client';
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string;
  /** Stopped by Ctrl-C / SIGTERM (or the mock stopped) before the command ended. */
  incomplete: boolean;
  strict: boolean;
  minFlows: number;
  /** The command under test (verify-client only). */
  command?: { argv: string[]; exitCode: number | null; signal?: string };
  flows: ClientFlowResult[];
  stray: TimelineEntry[];
  strayViolations: ClientViolation[];
  rules: ClientRuleResult[];
  robustness?: RobustnessResult[];
  /** Requests dropped by the recorder's memory bound (oldest first). */
  droppedRequests: number;
  summary: {
    flows: number;
    mustViolations: number;
    shouldViolations: number;
    /** Why the run failed, one line each (empty when it passed). */
    failures: string[];
    passed: boolean;
  };
}
