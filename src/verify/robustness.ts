// The robustness profile (`--robustness[=list]`): failures a real deployment produces, each a CASE of
// its own — the command is run once more on a fresh mock with that one fault injected, deterministically,
// at the first request it applies to — and the client's reaction judged as recovered / gave up cleanly /
// misbehaved; a fault the run never reached is "not exercised" and fails the case (nothing was proven).
// docs/decisions/0131-robustness-as-separate-cases.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockClock } from '../mock/clock.ts';
import { ERROR_CODES } from '../protocol/constants.ts';
import type { ClientViolation, RobustnessResult } from '../results/client.ts';
import { corsHeaders, type StorageCors } from '../mock/storage/cors.ts';
import { type JudgedCase, type JudgedRun, violationFailures } from './judge.ts';
import { type ObservedFlow, FOLLOW_UP_ENDPOINTS, type GroupedRequests, HANDLE_ENDPOINT } from './flows.ts';
import type { Interceptor } from './recorder.ts';
import { UsageError } from '../config/errors.ts';

interface FaultInfo {
  name: string;
  description: string;
  recovered: string;
  source: string;
  target: 'handle' | 'storage' | 'follow-up';
}

export const ROBUSTNESS_FAULTS = [
  {
    name: 'api-429',
    description: 'the handle request is answered 429 rate_limit_exceeded with Retry-After: 1',
    recovered: 'the handle request is retried no sooner than Retry-After, and the flow completes',
    source: 'HTTP semantics: RFC 9110 §15.5.30 429 / §10.2.3 Retry-After; Ashby OpenAPI: shared error schema: 429 rate_limit_exceeded (report.generate)',
    target: 'handle',
  },
  {
    name: 'storage-503',
    description: 'the first upload attempt is answered 503 SlowDown (no Retry-After, as S3 sends it)',
    recovered: 'the same fields and file are POSTed again after a pause (≥ 100 ms), then the follow-up is made',
    source: 'S3 error responses: 503 SlowDown ("reduce your request rate"); AWS SDK retry behavior: back off and retry',
    target: 'storage',
  },
  {
    name: 'upload-reset',
    description: 'the connection is reset while the upload body is arriving',
    recovered: 'the upload is retried after a pause and succeeds before the follow-up is made; never attached unuploaded',
    source: 'AWS SDK retry behavior: network errors are retryable',
    target: 'storage',
  },
  {
    name: 'url-expired',
    description: 'the upload URL has already expired when the upload arrives (the mock clock jumps past the policy expiration)',
    recovered: 'a NEW handle is requested and its flow completes; the dead URL is never POSTed again and the dead handle never attached',
    source: 'Ashby docs: file.createFileUploadHandle (the URL expires after 10 minutes); S3 POST policy: expiration',
    target: 'storage',
  },
  {
    name: 'follow-up-5xx',
    description: 'the follow-up call is answered 503 service_unavailable',
    recovered: 'the follow-up is retried after a pause (≥ 100 ms) and succeeds, once',
    source: 'Ashby docs: responses & errors (a 5xx is not a documented answer); inferred: a follow-up that failed may be retried',
    target: 'follow-up',
  },
] as const satisfies readonly FaultInfo[];

export type RobustnessFault = (typeof ROBUSTNESS_FAULTS)[number]['name'];
export const ROBUSTNESS_FAULT_NAMES: readonly RobustnessFault[] = ROBUSTNESS_FAULTS.map((f) => f.name);

/** `--robustness` (all) or `--robustness=a,b`: the faults, one case each, in this order. */
export function parseRobustness(value: string | true): RobustnessFault[] {
  if (value === true || value === '' || value === 'all') return [...ROBUSTNESS_FAULT_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(ROBUSTNESS_FAULT_NAMES as readonly string[]).includes(n)) throw new UsageError(`--robustness: unknown fault "${n}"`, `one of ${ROBUSTNESS_FAULT_NAMES.join(', ')} (comma-separated), or none for all`);
  }
  return [...new Set(names)] as RobustnessFault[];
}

const info = (name: string): FaultInfo => ROBUSTNESS_FAULTS.find((f) => f.name === name)!;
const pathOf = (url: string): string => url.split('?')[0]!;

/** Drains the request body (so the recorder sees it) and then answers. */
function answerAfterBody(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  req.on('end', () => {
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  req.on('error', () => res.destroy());
  req.resume();
}

const envelope = (code: string, message: string): string => JSON.stringify({ success: false, errors: [code], errorInfo: { code, message } });

export interface Firing {
  fault: RobustnessFault;
  seq: number;
}

/**
 * Injects ONE fault, once: at the first request it applies to (a robustness case is its own run of the
 * command on its own mock, so there is nothing to rotate). Later requests reach the mock unchanged.
 */
export class RobustnessInjector {
  private fired = false;
  readonly firings: Firing[] = [];

  constructor(
    private readonly fault: RobustnessFault,
    private readonly clock: MockClock,
    private readonly uploadTtlMs: number,
    private readonly bucket: string,
    private readonly cors: StorageCors,
  ) {}

  readonly intercept: Interceptor = (req, res, rec) => {
    if (this.fired) return false;
    const path = pathOf(rec.url);
    const target = path === `/${HANDLE_ENDPOINT}` ? 'handle' : path.startsWith(`/${this.bucket}`) && rec.method === 'POST' ? 'storage' : FOLLOW_UP_ENDPOINTS.has(path.slice(1)) ? 'follow-up' : undefined;
    if (target === undefined || info(this.fault).target !== target) return false;
    this.fired = true;
    this.firings.push({ fault: this.fault, seq: rec.seq });
    rec.injected = this.fault;
    return this.inject(req, res);
  };

  private inject(req: IncomingMessage, res: ServerResponse): boolean {
    // An injected storage answer carries the bucket's CORS headers, as S3's own error answers do.
    const cors = corsHeaders(this.cors, req.headers.origin);
    switch (this.fault) {
      case 'api-429':
        answerAfterBody(req, res, 429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' }, envelope('rate_limit_exceeded', 'Rate limit exceeded. Try again in 1 second.'));
        return true;
      case 'storage-503':
        answerAfterBody(req, res, 503, { ...cors, 'content-type': 'application/xml' }, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        return true;
      case 'upload-reset':
        req.once('data', () => req.socket.destroy());
        req.resume();
        return true;
      case 'url-expired':
        this.clock.advance(this.uploadTtlMs + 1000); // the mock itself then refuses it (and any reuse) as expired
        return false;
      case 'follow-up-5xx':
        answerAfterBody(req, res, 503, { 'content-type': 'application/json; charset=utf-8' }, envelope(ERROR_CODES.serviceUnavailable, 'Service unavailable (robustness profile)'));
        return true;
    }
  }
}

/** Rules whose violation during a faulted flow means the client misbehaved under the fault. */
const MISBEHAVIOUR_RULES = new Set(['client.retry.retry-after', 'client.retry.bounded', 'client.attach.after-upload', 'client.handle.single-use', 'client.upload.within-expiry']);

function flowOf(grouped: GroupedRequests, seq: number): ObservedFlow | undefined {
  return grouped.flows.find((f) => [f.handleRequest, ...f.uploads, ...f.followUps].some((e) => e.rec.seq === seq));
}
const attached = (f: ObservedFlow | undefined): boolean => f?.followUps.some((x) => x.ok) ?? false;

const NOT_EXERCISED: Record<FaultInfo['target'], string> = {
  handle: 'the client sent no handle request',
  storage: 'the client sent no upload to the storage URL',
  'follow-up': 'the client made no follow-up call (no upload was attached)',
};

/**
 * One robustness case: the verdict on the client's reaction to the fault in its own run, and whether
 * the case passed. It fails when the fault never fired (nothing was proven), when the client misbehaved,
 * when the run broke a rule that fails a run (MUST; SHOULD with --strict), or when the command failed
 * although the flow recovered. A client that gave up cleanly may exit non-zero: that is giving up.
 */
export function judgeCase(fault: RobustnessFault, firings: readonly Firing[], run: JudgedRun, options: { strict: boolean; command?: { exitCode: number | null; signal?: string } }): JudgedCase {
  const meta = info(fault);
  const violations = [...run.flows.flatMap((f) => f.violations), ...run.strayViolations];
  const judged = firings.length === 0
    ? { verdict: 'not exercised' as const, detail: `${NOT_EXERCISED[meta.target]}, so the fault never fired` }
    : judgeFiring(fault, firings[0]!.seq, run.grouped, violations);
  const failures: string[] = [];
  if (judged.verdict === 'not exercised') failures.push(`not exercised: ${judged.detail}`);
  if (judged.verdict === 'misbehaved') failures.push(`misbehaved: ${judged.detail}`);
  failures.push(...violationFailures(violations, options.strict));
  const cmd = options.command;
  if (cmd?.signal) failures.push(`the command was stopped by ${cmd.signal}`);
  else if (judged.verdict === 'recovered' && cmd && cmd.exitCode !== 0) failures.push(`the command exited with code ${cmd.exitCode} although its flow recovered`);
  const result: RobustnessResult = {
    fault,
    description: meta.description,
    recovered: meta.recovered,
    source: meta.source,
    ...judged,
    passed: failures.length === 0,
    failures,
    flows: run.flows,
    strayViolations: run.strayViolations,
    summary: run.counts,
  };
  if (cmd) result.command = cmd.signal ? { exitCode: cmd.exitCode, signal: cmd.signal } : { exitCode: cmd.exitCode };
  return { result, exercised: run.exercised };
}

function judgeFiring(fault: RobustnessFault, seq: number, grouped: GroupedRequests, violations: readonly ClientViolation[]): Pick<RobustnessResult, 'verdict' | 'detail'> {
  let flow = flowOf(grouped, seq);
  // A refused handle request has its own (handle-less) flow; the retry is the next flow.
  const flows = fault === 'api-429' && flow ? grouped.flows.filter((f) => f.id >= flow!.id).slice(0, 2) : flow ? [flow] : [];
  if (fault === 'url-expired' && flow) {
    const dead = flow;
    if (dead.uploads.some((u) => u.rec.seq > seq)) return { verdict: 'misbehaved', detail: `flow ${dead.id}: the expired URL was POSTed again` };
    if (dead.followUps.length > 0) return { verdict: 'misbehaved', detail: `flow ${dead.id}: the handle of the failed upload was attached` };
    flows.push(...grouped.flows.filter((f) => f.id > dead.id).slice(0, 1));
  }
  const ids = new Set(flows.map((f) => f.id));
  const bad = violations.filter((v) => v.flowId !== undefined && ids.has(v.flowId) && MISBEHAVIOUR_RULES.has(v.ruleId));
  if (bad.length) return { verdict: 'misbehaved', detail: bad.map((v) => `flow ${v.flowId}: ${v.ruleId}: ${v.message}`).join('; ') };
  flow = flows[flows.length - 1];
  if (attached(flow)) return { verdict: 'recovered', detail: `flow ${flow!.id} completed after the fault` };
  return { verdict: 'gave up cleanly', detail: flow ? `flow ${flow.id} stopped without attaching and without a rule broken` : 'the client stopped after the fault' };
}
