// Judges recorded requests: groups them into flows, runs every client rule, and builds the results
// model (src/results/client.ts) the reports render. Pure: no I/O.
import type { ClientFlowResult, ClientResults, ClientRuleResult, ClientViolation, RobustnessResult, TimelineEntry } from '../results/client.ts';
import type { RecordedRequest } from './recorder.ts';
import { type Exchange, type Flow, groupFlows, type GroupedRequests } from './flows.ts';
import { CLIENT_RULES, type ClientRule, type Finding, type RunFacts } from './rules.ts';
import { describeExchange } from './describe.ts';
import { redactUrl } from '../config/redact.ts';

export interface JudgeOptions {
  startedAt: Date;
  finishedAt?: Date;
  strict?: boolean;
  minFlows?: number;
  incomplete?: boolean;
  command?: ClientResults['command'];
  /** Judges the robustness faults that fired (src/verify/robustness.ts). */
  robustness?: (grouped: GroupedRequests, violations: ClientViolation[]) => RobustnessResult[];
  droppedRequests?: number;
}

function timelineEntry(ex: Exchange, origin: number): TimelineEntry {
  const e: TimelineEntry = { seq: ex.rec.seq, sinceHandleMs: Math.max(0, ex.rec.at - origin), method: ex.rec.method, path: redactUrl(ex.path), summary: describeExchange(ex) };
  if (ex.rec.status !== undefined) e.status = ex.rec.status;
  if (ex.code !== undefined) e.code = ex.code;
  if (ex.rec.aborted) e.aborted = true;
  if (ex.rec.injected) e.injected = ex.rec.injected;
  return e;
}

function violation(rule: ClientRule, f: Finding, flowId: number | undefined): ClientViolation {
  const v: ClientViolation = { ruleId: rule.id, level: rule.level, message: f.message, sent: f.sent, expected: f.expected, realAnswer: rule.realAnswer, fix: rule.fix };
  if (flowId !== undefined) v.flowId = flowId;
  if (f.ex) v.requestSeq = f.ex.rec.seq;
  return v;
}

function outcomeOf(flow: Flow): ClientFlowResult['outcome'] {
  if (!flow.issued) return 'no handle issued';
  if (flow.followUps.some((f) => f.ok)) return 'attached';
  return flow.uploads.some((u) => u.ok) ? 'uploaded, not attached' : 'not uploaded';
}

export function judgeClient(records: readonly RecordedRequest[], options: JudgeOptions): ClientResults {
  const grouped = groupFlows(records);
  const run: RunFacts = { grouped };
  const flowOfSeq = new Map<number, number>();
  for (const flow of grouped.flows) for (const ex of [flow.handleRequest, ...flow.uploads, ...flow.followUps]) flowOfSeq.set(ex.rec.seq, flow.id);

  const byFlow = new Map<number, ClientViolation[]>();
  const strayViolations: ClientViolation[] = [];
  const counts = new Map<string, number>();
  const add = (v: ClientViolation): void => {
    counts.set(v.ruleId, (counts.get(v.ruleId) ?? 0) + 1);
    if (v.flowId === undefined) strayViolations.push(v);
    else byFlow.set(v.flowId, [...(byFlow.get(v.flowId) ?? []), v]);
  };
  const exercised = new Set<string>();
  for (const rule of CLIENT_RULES) {
    if (rule.scope === 'flow') {
      for (const flow of grouped.flows) for (const f of rule.check(flow, run)) add(violation(rule, f, flow.id));
      if (grouped.flows.length > 0) exercised.add(rule.id);
    } else {
      for (const f of rule.check(run)) add(violation(rule, f, f.ex ? flowOfSeq.get(f.ex.rec.seq) : undefined));
      if (grouped.all.length > 0) exercised.add(rule.id);
    }
  }
  // Storage POSTs that belong to no flow are still judged for their shape (garbage sent to the URL).
  for (const ex of grouped.stray) {
    if (ex.rec.kind === 'storage' && ex.rec.method === 'POST' && !ex.rec.multipart?.wellFormed) {
      const rule = CLIENT_RULES.find((r) => r.id === 'client.upload.multipart-well-formed')!;
      add(violation(rule, { ex, message: ex.rec.multipart ? `malformed multipart: ${ex.rec.multipart.problem}` : 'a storage POST that is not multipart/form-data', sent: describeExchange(ex), expected: 'a multipart/form-data upload of a handle\'s fields and file' }, undefined));
      exercised.add(rule.id);
    }
  }

  const strict = options.strict ?? false;
  const rules: ClientRuleResult[] = CLIENT_RULES.map((r) => {
    const n = counts.get(r.id) ?? 0;
    const status = n === 0 ? (exercised.has(r.id) ? 'pass' : 'not-exercised') : r.level === 'MUST' || strict ? 'fail' : 'warn';
    return { id: r.id, level: r.level, title: r.title, source: r.source, fix: r.fix, realAnswer: r.realAnswer, status, violations: n };
  });

  const flows: ClientFlowResult[] = grouped.flows.map((flow) => {
    const origin = flow.handleRequest.rec.doneAt ?? flow.handleRequest.rec.at;
    const exchanges = [flow.handleRequest, ...flow.uploads, ...flow.followUps].sort((a, b) => a.rec.seq - b.rec.seq);
    const result: ClientFlowResult = { id: flow.id, outcome: outcomeOf(flow), timeline: exchanges.map((ex) => timelineEntry(ex, origin)), violations: byFlow.get(flow.id) ?? [] };
    const d = flow.declared;
    if (flow.context) result.context = flow.context;
    if (typeof d?.filename === 'string') result.filename = d.filename;
    if (typeof d?.contentType === 'string') result.contentType = d.contentType;
    if (typeof d?.contentLength === 'number') result.contentLength = d.contentLength;
    return result;
  });
  const runStart = records[0]?.at ?? options.startedAt.getTime();
  const all = [...flows.flatMap((f) => f.violations), ...strayViolations];
  const robustness = options.robustness?.(grouped, all);

  const must = all.filter((v) => v.level === 'MUST');
  const should = all.filter((v) => v.level === 'SHOULD');
  const issuedFlows = grouped.flows.filter((f) => f.issued).length;
  const minFlows = options.minFlows ?? 1;
  const failures: string[] = [];
  const ids = (vs: ClientViolation[]): string => [...new Set(vs.map((v) => v.ruleId))].join(', ');
  if (must.length) failures.push(`${must.length} MUST violation(s): ${ids(must)}`);
  if (strict && should.length) failures.push(`${should.length} SHOULD violation(s) under --strict: ${ids(should)}`);
  if (issuedFlows < minFlows) failures.push(issuedFlows === 0 ? `no upload flow observed (the client never obtained a handle; --min-flows ${minFlows})` : `only ${issuedFlows} flow(s) observed, --min-flows ${minFlows}`);
  const misbehaved = robustness?.filter((r) => r.verdict === 'misbehaved') ?? [];
  if (misbehaved.length) failures.push(`robustness: misbehaved under ${misbehaved.map((r) => r.fault).join(', ')}`);
  const cmd = options.command;
  if (cmd && (cmd.exitCode !== 0 || cmd.signal)) failures.push(cmd.signal ? `the command was stopped by ${cmd.signal}` : `the command exited with code ${cmd.exitCode}`);
  if (options.incomplete) failures.push('the run was interrupted: this report is incomplete');

  const results: ClientResults = {
    kind: 'client',
    schemaVersion: 1,
    startedAt: options.startedAt.toISOString(),
    finishedAt: (options.finishedAt ?? new Date()).toISOString(),
    incomplete: options.incomplete ?? false,
    strict,
    minFlows,
    flows,
    stray: grouped.stray.map((ex) => timelineEntry(ex, runStart)),
    strayViolations,
    rules,
    droppedRequests: options.droppedRequests ?? 0,
    summary: { flows: issuedFlows, mustViolations: must.length, shouldViolations: should.length, failures, passed: failures.length === 0 },
  };
  if (cmd) results.command = cmd;
  if (robustness) results.robustness = robustness;
  return results;
}
