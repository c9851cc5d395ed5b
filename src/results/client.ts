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
  /** A handle was issued and the storage accepted an upload (a complete flow). */
  complete: boolean;
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

/**
 * One robustness case: the command run once more, on its own fresh mock, with one fault injected at the
 * first request it applies to (as Autobahn runs each case on its own connection), judged on its own.
 */
export interface RobustnessResult {
  fault: string;
  description: string;
  /** What counts as recovered, and where that rests. */
  recovered: string;
  source: string;
  verdict: RobustnessVerdict;
  detail: string;
  /** This case passed: recovered or gave up cleanly, no rule broken that fails a run, the command ended
   * as the verdict expects. */
  passed: boolean;
  /** Why this case failed, one line each (empty when it passed). */
  failures: string[];
  /** The command's exit in this case's run. */
  command?: { exitCode: number | null; signal?: string };
  /** This case's flows (faulted requests marked `injected`) and stray violations. */
  flows: ClientFlowResult[];
  strayViolations: ClientViolation[];
  summary: RunCounts;
}

/** Counts of one run (or, in ClientResults.summary, of the clean run and every robustness case). */
export interface RunCounts {
  /** Flows listed: one per handle request (a refused one included). */
  flows: number;
  /** Complete flows: a handle issued and an upload the storage accepted (what --min-flows counts). */
  completeFlows: number;
  mustViolations: number;
  shouldViolations: number;
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
  /** The mock's profile (src/mock/profile.ts), when it answered with one: the file's base name. */
  profile?: string;
  /** The command under test (verify-client only; its clean run). */
  command?: { argv: string[]; exitCode: number | null; signal?: string };
  /** The clean run's flows (without any fault). */
  flows: ClientFlowResult[];
  stray: TimelineEntry[];
  strayViolations: ClientViolation[];
  /** Every client rule over the clean run AND every robustness case. */
  rules: ClientRuleResult[];
  /** With --robustness: one case per selected fault, each its own run. */
  robustness?: RobustnessResult[];
  /** Requests dropped by the recorder's memory bound (oldest first). */
  droppedRequests: number;
  /** flows/completeFlows: the clean run's; violation counts: every run's (clean and robustness cases). */
  summary: RunCounts & {
    /** Every rule broken in any run, with its level, in catalogue order. */
    violatedRules: Array<{ id: string; level: ClientRuleLevel; violations: number }>;
    /** Why the run failed, one line each (empty when it passed). */
    failures: string[];
    passed: boolean;
  };
}

/** Every violation of a results model: the clean run's (flows, stray) then each robustness case's. */
export function allViolations(r: Pick<ClientResults, 'flows' | 'strayViolations' | 'robustness'>): ClientViolation[] {
  const ofRun = (x: { flows: ClientFlowResult[]; strayViolations: ClientViolation[] }): ClientViolation[] => [...x.flows.flatMap((f) => f.violations), ...x.strayViolations];
  return [...ofRun(r), ...(r.robustness ?? []).flatMap(ofRun)];
}
