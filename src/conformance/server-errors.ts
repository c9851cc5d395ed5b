// `envelope.no-server-error` (Schemathesis' not_a_server_error): a 5xx is neither an acceptance nor a
// refusal, whichever check met it; nor is an answer outside the documented classes that an INFO check met
// (an INFO check only records, so that failure is judged here, naming the check; decision 0135). Judged once, here, over every exchange every check recorded — INFO
// checks, set-up steps (handle, candidate, posting fixtures), clock control and lifecycle probes alike —
// instead of in each check, so no request can slip past it. No check provokes a 5xx on purpose today;
// one that did would list it here as a documented exception. Retried 503s count too: the target did
// answer them (docs/decisions/0027).
import type { Exchange } from '../client/exchange.ts';
import { getCheck, type CheckDefinition } from './catalogue.ts';
import { S } from './check-sources.ts';
import type { CheckMeta } from './check.ts';
import type { CheckResult } from '../results/index.ts';
import { NO_SERVER_ERROR, toCheckResult } from './results.ts';

export { NO_SERVER_ERROR } from './results.ts';

/** The run-scoped checks' catalogue entries (suite checks declare theirs with check()); the catalogue
 * lists each after the checks of its group. */
export const RUN_CHECKS: readonly CheckDefinition[] = [
  {
    id: NO_SERVER_ERROR,
    title: 'no answer of the run is a 5xx (every API and storage exchange of every check, INFO and set-up steps included), and no answer an INFO check met falls outside the documented classes',
    group: 'envelope',
    level: 'MUST',
    source: `${S.errors}: what would be 4XX errors return 200; ${S.s3Errors}`,
    scope: 'run',
  },
];

/** An INFO check that met an answer in neither documented class (UnclassifiedAnswer). */
export interface UnclassifiedUnderInfo {
  check: string;
  message: string;
  received: string;
}

export interface ServerError {
  /** The check whose request (or set-up step) was answered with the 5xx. */
  check: string;
  exchange: Exchange;
}

const isServerError = (e: Exchange): boolean => e.status !== undefined && e.status >= 500 && e.status <= 599;

export function findServerErrors(checks: readonly CheckResult[]): ServerError[] {
  return checks.flatMap((c) => c.exchanges.filter(isServerError).map((exchange) => ({ check: c.id, exchange })));
}

const path = (url: string): string => url.replace(/^[a-z]+:\/\/[^/]+/i, '') || '/';
const short = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);
const line = (s: ServerError) => `${s.check}: ${s.exchange.method} ${path(s.exchange.url)} → HTTP ${s.exchange.status}`;

/** The run-scoped check's result from the other checks' results (their recorded exchanges). */
export function noServerErrorResult(checks: readonly CheckResult[], strict: boolean, deviation?: string, unclassified: readonly UnclassifiedUnderInfo[] = []): CheckResult {
  const def = getCheck(NO_SERVER_ERROR);
  const judged = checks.filter((c) => c.id !== NO_SERVER_ERROR);
  const total = judged.reduce((n, c) => n + c.exchanges.length, 0);
  const answered = judged.reduce((n, c) => n + c.exchanges.filter((e) => e.status !== undefined).length, 0);
  const found = findServerErrors(judged);
  const meta: CheckMeta = {
    exchanges: found.map((s) => s.exchange),
    observations: [
      `${total} exchanges of ${judged.filter((c) => c.exchanges.length > 0).length} checks inspected`,
      ...found.map((s) => `${line(s)} — reproduce: ${s.exchange.curl}`),
      ...unclassified.map((u) => `${u.check} (INFO): ${u.message} — received ${short(u.received)}`),
    ],
  };
  if (unclassified.length > 0 && found.length === 0) {
    const first = unclassified[0]!;
    meta.exchanges = judged.find((c) => c.id === first.check)?.exchanges ?? [];
    const more = unclassified.length > 1 ? ` (+${unclassified.length - 1} more: ${unclassified.slice(1).map((u) => u.check).join(', ')})` : '';
    meta.failure = { kind: 'failure', message: `an answer outside the documented classes, met by the INFO check ${first.check}: ${first.message}${more}`, expected: 'an acceptance (2xx with the success envelope) or a documented refusal (HTTP 200 or 4xx error envelope, 401/403, S3 4xx error XML)', received: `${short(first.received)} — to ${first.check}` };
    return toCheckResult(def, { state: 'failed', note: meta.failure.message, meta, durationMs: 0 }, strict, deviation);
  }
  // Nothing answered is nothing judged: never a pass (an unreachable target errors, an all-skipped run skips).
  if (total === 0) return toCheckResult(def, { state: 'skipped', note: 'no exchange to judge: no check of the run sent a request', meta, durationMs: 0 }, strict, deviation);
  if (answered === 0) {
    meta.failure = { kind: 'transport', message: `no answer to judge: all ${total} exchanges of the run ended in a transport error` };
    return toCheckResult(def, { state: 'failed', note: meta.failure.message, meta, durationMs: 0 }, strict, deviation);
  }
  if (found.length === 0) return toCheckResult(def, { state: 'passed', meta, durationMs: 0 }, strict, deviation);
  const first = found[0]!;
  const checksHit = [...new Set(found.map((s) => s.check))];
  const alsoInfo = unclassified.length ? `; also outside the documented classes under INFO ${unclassified.map((u) => u.check).join(', ')}` : '';
  const more = (found.length > 1 ? ` (+${found.length - 1} more, from ${checksHit.join(', ')})` : '') + alsoInfo;
  meta.failure = {
    kind: 'failure',
    message: `a server error: ${line(first)}${more}`,
    expected: 'no 5xx answer: an acceptance (2xx) or a documented refusal (HTTP 200 success:false, 401/403, S3 4xx error XML)',
    received: `HTTP ${first.exchange.status} ${short(first.exchange.responseBody) || '(empty body)'} — to ${first.check}'s ${first.exchange.method} ${path(first.exchange.url)}`,
  };
  const result = toCheckResult(def, { state: 'failed', note: meta.failure.message, meta, durationMs: 0 }, strict, deviation);
  // The reproduction of the FIRST server error, the one the message names.
  return { ...result, curl: first.exchange.curl };
}
