// Judges recorded requests: groups them into flows, runs every client rule, and builds the results
// model (src/results/client.ts) the reports render. One run is judged by judgeRun (the clean run, and
// each robustness case on its own); judgeClient builds the model of the clean run and the cases. Pure:
// no I/O. Known secrets (the run's keys) are removed from the model here, where it is built.
import { allViolations, type ClientFlowResult, type ClientResults, type ClientRuleResult, type ClientViolation, type RobustnessResult, type RunCounts, type TimelineEntry } from '../results/client.ts';
import type { RecordedRequest } from './recorder.ts';
import { type ParsedRequest, type ObservedFlow, groupFlows, type GroupedRequests } from './flows.ts';
import { CLIENT_RULES, type ClientRule, type Finding, type RunFacts } from './rules.ts';
import { describeAnswer, describeRequest } from './describe.ts';
import { redactKnownSecrets, redactUrl } from '../config/redact.ts';
import { DEFAULT_STORAGE_CORS, type StorageCors } from '../mock/storage/cors.ts';

export interface JudgeOptions {
  startedAt: Date;
  finishedAt?: Date;
  strict?: boolean;
  minFlows?: number;
  incomplete?: boolean;
  command?: ClientResults['command'];
  droppedRequests?: number;
  /** The storage's bucket CORS rule during the run (default: the mock's, any origin). */
  cors?: StorageCors;
  /** The run's known secret values (API keys): removed from every text of the model. */
  secrets?: readonly string[];
  /** Robustness cases, each already judged on its own run (src/verify/robustness.ts). */
  robustness?: readonly JudgedCase[];
  /** The name of the profile the mock answered with, if any. */
  profile?: string;
}

/** A robustness case and the rules its run exercised. */
export interface JudgedCase {
  result: RobustnessResult;
  exercised: ReadonlySet<string>;
}

/** One run judged: what the report lists of it, and what the verdicts need. */
export interface JudgedRun {
  grouped: GroupedRequests;
  flows: ClientFlowResult[];
  stray: TimelineEntry[];
  strayViolations: ClientViolation[];
  /** Rules that had something to judge in this run. */
  exercised: Set<string>;
  counts: RunCounts;
}

function timelineEntry(ex: ParsedRequest, origin: number): TimelineEntry {
  const e: TimelineEntry = { seq: ex.rec.seq, sinceHandleMs: Math.max(0, ex.rec.at - origin), method: ex.rec.method, path: redactUrl(ex.path), summary: describeRequest(ex) };
  if (ex.rec.status !== undefined) e.status = ex.rec.status;
  if (ex.code !== undefined) e.code = ex.code;
  if (ex.rec.aborted) e.aborted = true;
  if (ex.rec.injected) e.injected = ex.rec.injected;
  return e;
}

function violation(rule: ClientRule, f: Finding, flowId: number | undefined): ClientViolation {
  const v: ClientViolation = { ruleId: rule.id, level: rule.level, message: f.message, sent: f.sent, expected: f.expected, realAnswer: f.realAnswer ?? rule.realAnswer, fix: rule.fix };
  if (flowId !== undefined) v.flowId = flowId;
  if (f.ex) v.requestSeq = f.ex.rec.seq;
  return v;
}

const isComplete = (flow: ObservedFlow): boolean => flow.issued !== undefined && flow.uploads.some((u) => u.ok);

function outcomeOf(flow: ObservedFlow): ClientFlowResult['outcome'] {
  if (!flow.issued) return 'no handle issued';
  if (flow.followUps.some((f) => f.ok)) return 'attached';
  return flow.uploads.some((u) => u.ok) ? 'uploaded, not attached' : 'not uploaded';
}

/** Why a flow is not complete, in a few words (for the --min-flows failure). */
function incompleteBecause(flow: ObservedFlow): string {
  if (!flow.issued) return `its handle request was refused (${describeAnswer(flow.handleRequest)})`;
  if (flow.uploads.length === 0) return flow.preflights.length ? `its upload never left the browser: the storage refused its CORS preflight (${describeAnswer(flow.preflights[flow.preflights.length - 1]!)})` : 'it created a handle and never uploaded';
  return `the storage accepted none of its ${flow.uploads.length} upload(s) (last: ${describeAnswer(flow.uploads[flow.uploads.length - 1]!)})`;
}

/** Groups one run's requests into flows and applies every client rule to them. */
export function judgeRun(records: readonly RecordedRequest[], options: { cors?: StorageCors; startedAt?: Date } = {}): JudgedRun {
  const grouped = groupFlows(records);
  const run: RunFacts = { grouped, cors: options.cors ?? DEFAULT_STORAGE_CORS };
  const flowOfSeq = new Map<number, number>();
  for (const flow of grouped.flows) for (const ex of [flow.handleRequest, ...flow.preflights, ...flow.uploads, ...flow.followUps]) flowOfSeq.set(ex.rec.seq, flow.id);

  const byFlow = new Map<number, ClientViolation[]>();
  const strayViolations: ClientViolation[] = [];
  const add = (v: ClientViolation): void => {
    if (v.flowId === undefined) strayViolations.push(v);
    else byFlow.set(v.flowId, [...(byFlow.get(v.flowId) ?? []), v]);
  };
  const exercised = new Set<string>();
  for (const rule of CLIENT_RULES) {
    if (rule.scope === 'flow') {
      for (const flow of grouped.flows) {
        const findings = rule.check(flow, run);
        if (findings === undefined) continue;
        exercised.add(rule.id);
        for (const f of findings) add(violation(rule, f, flow.id));
      }
    } else {
      for (const f of rule.check(run)) add(violation(rule, f, f.ex ? flowOfSeq.get(f.ex.rec.seq) : undefined));
      if (grouped.all.length > 0) exercised.add(rule.id);
    }
  }
  // Storage POSTs that belong to no flow are still judged for their shape (garbage sent to the URL).
  for (const ex of grouped.stray) {
    if (ex.rec.kind === 'storage' && ex.rec.method === 'POST' && !ex.rec.multipart?.wellFormed) {
      const rule = CLIENT_RULES.find((r) => r.id === 'client.upload.multipart-well-formed')!;
      add(violation(rule, { ex, message: ex.rec.multipart ? `malformed multipart: ${ex.rec.multipart.problem}` : 'a storage POST that is not multipart/form-data', sent: describeRequest(ex), expected: 'a multipart/form-data upload of a handle\'s fields and file' }, undefined));
      exercised.add(rule.id);
    }
  }

  const flows: ClientFlowResult[] = grouped.flows.map((flow) => {
    const origin = flow.handleRequest.rec.doneAt ?? flow.handleRequest.rec.at;
    const exchanges = [flow.handleRequest, ...flow.preflights, ...flow.uploads, ...flow.followUps].sort((a, b) => a.rec.seq - b.rec.seq);
    const result: ClientFlowResult = { id: flow.id, outcome: outcomeOf(flow), complete: isComplete(flow), timeline: exchanges.map((ex) => timelineEntry(ex, origin)), violations: byFlow.get(flow.id) ?? [] };
    const d = flow.declared;
    if (flow.context) result.context = flow.context;
    if (typeof d?.filename === 'string') result.filename = d.filename;
    if (typeof d?.contentType === 'string') result.contentType = d.contentType;
    if (typeof d?.contentLength === 'number') result.contentLength = d.contentLength;
    return result;
  });
  const runStart = records[0]?.at ?? options.startedAt?.getTime() ?? 0;
  const all = [...flows.flatMap((f) => f.violations), ...strayViolations];
  return {
    grouped,
    flows,
    stray: grouped.stray.map((ex) => timelineEntry(ex, runStart)),
    strayViolations,
    exercised,
    counts: {
      flows: flows.length,
      completeFlows: grouped.flows.filter(isComplete).length,
      mustViolations: all.filter((v) => v.level === 'MUST').length,
      shouldViolations: all.filter((v) => v.level === 'SHOULD').length,
    },
  };
}

/** The rules a run's violations break, for a failure line: "2 MUST violation(s): a, b". */
export function violationFailures(violations: readonly ClientViolation[], strict: boolean): string[] {
  const ids = (vs: ClientViolation[]): string => [...new Set(vs.map((v) => v.ruleId))].join(', ');
  const must = violations.filter((v) => v.level === 'MUST');
  const should = violations.filter((v) => v.level === 'SHOULD');
  const out: string[] = [];
  if (must.length) out.push(`${must.length} MUST violation(s): ${ids(must)}`);
  if (strict && should.length) out.push(`${should.length} SHOULD violation(s) under --strict: ${ids(should)}`);
  return out;
}

function commandFailure(cmd: { exitCode: number | null; signal?: string } | undefined): string | undefined {
  if (!cmd || (cmd.exitCode === 0 && !cmd.signal)) return undefined;
  return cmd.signal ? `the command was stopped by ${cmd.signal}` : `the command exited with code ${cmd.exitCode}`;
}

/** The results model of a verification: the clean run (`records`) and, with --robustness, its cases. */
export function judgeClient(records: readonly RecordedRequest[], options: JudgeOptions): ClientResults {
  const clean = judgeRun(records, options);
  const strict = options.strict ?? false;
  const cases = options.robustness ?? [];
  const minFlows = options.minFlows ?? 1;

  const failures = violationFailures([...clean.flows.flatMap((f) => f.violations), ...clean.strayViolations], strict);
  const complete = clean.counts.completeFlows;
  if (complete < minFlows) {
    const why = clean.grouped.flows.filter((f) => !isComplete(f)).map((f) => `flow ${f.id}: ${incompleteBecause(f)}`);
    const head = clean.grouped.flows.length === 0 ? 'no upload flow observed (the client never requested a handle)' : `${complete} complete flow(s) (handle → upload accepted by the storage)`;
    failures.push(`${head}; --min-flows ${minFlows}${why.length ? `: ${why.join('; ')}` : ''}`);
  }
  const cmdFailure = commandFailure(options.command);
  if (cmdFailure) failures.push(cmdFailure);
  for (const c of cases) if (!c.result.passed) failures.push(`robustness ${c.result.fault}: ${c.result.failures.join('; ')}`);
  if (options.incomplete) failures.push('the run was interrupted: this report is incomplete');

  const partial = { flows: clean.flows, strayViolations: clean.strayViolations, robustness: cases.map((c) => c.result) };
  const every = allViolations(partial);
  const counts = new Map<string, number>();
  for (const v of every) counts.set(v.ruleId, (counts.get(v.ruleId) ?? 0) + 1);
  const exercised = new Set([...clean.exercised, ...cases.flatMap((c) => [...c.exercised])]);
  const rules: ClientRuleResult[] = CLIENT_RULES.map((r) => {
    const n = counts.get(r.id) ?? 0;
    const status = n === 0 ? (exercised.has(r.id) ? 'pass' : 'not-exercised') : r.level === 'MUST' || strict ? 'fail' : 'warn';
    return { id: r.id, level: r.level, title: r.title, source: r.source, fix: r.fix, realAnswer: r.realAnswer, status, violations: n };
  });

  const results: ClientResults = {
    kind: 'client',
    schemaVersion: 1,
    startedAt: options.startedAt.toISOString(),
    finishedAt: (options.finishedAt ?? new Date()).toISOString(),
    incomplete: options.incomplete ?? false,
    strict,
    minFlows,
    ...(options.profile ? { profile: options.profile } : {}),
    flows: clean.flows,
    stray: clean.stray,
    strayViolations: clean.strayViolations,
    rules,
    droppedRequests: options.droppedRequests ?? 0,
    summary: {
      flows: clean.counts.flows,
      completeFlows: complete,
      mustViolations: every.filter((v) => v.level === 'MUST').length,
      shouldViolations: every.filter((v) => v.level === 'SHOULD').length,
      violatedRules: rules.filter((r) => r.violations > 0).map((r) => ({ id: r.id, level: r.level, violations: r.violations })),
      failures,
      passed: failures.length === 0,
    },
  };
  if (options.command) results.command = options.command;
  if (cases.length) results.robustness = cases.map((c) => c.result);
  return redactKnownSecrets(results, options.secrets ?? []);
}
