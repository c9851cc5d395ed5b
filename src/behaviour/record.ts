// The behaviour record of a conformance run, built from its results model alone (so a results.json
// written earlier is a baseline as good as a behaviour.json): per check its status, INFO choices,
// latency on the wire and, per exchange, what the answer showed (src/client/answer-behaviour.ts).
// Volatile values never count: ids, dates, request ids and long tokens in INFO texts and URL paths are
// replaced by placeholders here, the one place a record is made.
import { describeAnswer } from '../client/answer-behaviour.ts';
import { BEHAVIOUR_RECORD_KIND, BEHAVIOUR_RECORD_VERSION, type BehaviourRecord, type CheckBehaviour, type CheckResult, type Exchange, type ExchangeBehaviour, type RunResults } from '../results/index.ts';

/**
 * Set-up shared by the checks of a worker (the candidate uploads attach to, src/conformance/fixtures.ts):
 * which check happens to send it depends on scheduling, so it belongs to no check's behaviour. Its
 * answer is still judged: the candidate's schema check fails when it changes.
 */
const SHARED_SETUP = new Set(['POST /candidate.create']);

const VOLATILE: ReadonlyArray<[RegExp, string]> = [
  [/("requestId"\s*:\s*")[^"]*"/g, '$1<id>"'],
  [/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g, '<date>'],
  [/\b\d{8}T\d{6}Z\b/g, '<date>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b[0-9A-HJKMNP-TV-Z]{26}\b/g, '<id>'],
  // Handles, signatures, keys: a run of 20+ token characters with a digit in it (an error code such as
  // file_upload_handle_already_used has none, and is behaviour).
  [/(?=[A-Za-z0-9_.~+/=-]*\d)[A-Za-z0-9_.~+/=-]{20,}/g, '<token>'],
  // Times and sizes that vary from run to run are no choice of the target.
  [/\b\d+(?:\.\d+)? ?ms\b/g, '<ms>'],
];

/** A text with its volatile values replaced by placeholders. */
export function scrubVolatile(text: string): string {
  return VOLATILE.reduce((t, [re, to]) => t.replace(re, to), text);
}

/** `POST /file.createFileUploadHandle`, `GET /bucket/*`: method and path, volatile segments as `*`. */
function requestLabel(e: Exchange): string {
  let path: string;
  try {
    path = new URL(e.url).pathname;
  } catch {
    path = e.url.replace(/\?.*$/, '');
  }
  // The first segment names the endpoint (or the bucket); anything beneath it is an object key or id.
  const segments = path.split('/').map((s, i) => (i > 1 && s !== '' ? '*' : s));
  return `${e.method} ${segments.join('/').replace(/(\/\*)+$/, '/*')}`;
}

function exchangeBehaviour(e: Exchange): ExchangeBehaviour {
  const request = requestLabel(e);
  if (e.status === undefined) return { request, envelope: 'none', transportError: true };
  // A results.json from before behaviour was recorded: read from the redacted body (what it still shows).
  const answer = e.behaviour ?? describeAnswer(e.requestBody, e.responseBody);
  return { request, status: e.status, ...answer };
}

const canonical = (x: ExchangeBehaviour): string => JSON.stringify(x);

function checkBehaviour(c: CheckResult, incomplete: boolean): CheckBehaviour {
  // In an interrupted run a check skipped or errored may have been cut short by the interruption
  // (vitest cancels running checks as skipped): it shows nothing of the target.
  const interrupted = incomplete && (c.status === 'skip' || c.status === 'error');
  // Exchanges a check sends concurrently arrive in any order: sorted, two runs list them alike.
  const exchanges = c.exchanges.map(exchangeBehaviour).filter((e) => !SHARED_SETUP.has(e.request)).sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));
  return {
    id: c.id,
    level: c.level,
    status: c.status,
    ...(interrupted ? { interrupted: true as const } : {}),
    latencyMs: Math.round(c.exchanges.reduce((t, e) => t + e.durationMs, 0)),
    info: c.level === 'INFO' ? c.observations.map(scrubVolatile) : [],
    exchanges,
  };
}

/** The behaviour record of a run (from its results model; `profile` names a mock profile in use). */
export function behaviourRecord(results: RunResults, profile?: string): BehaviourRecord {
  return {
    kind: BEHAVIOUR_RECORD_KIND,
    schemaVersion: BEHAVIOUR_RECORD_VERSION,
    target: { name: results.target.name, mock: results.target.mock, ...(profile ? { profile } : {}) },
    startedAt: results.startedAt,
    ...(results.incomplete ? { incomplete: true as const } : {}),
    checks: results.checks.map((c) => checkBehaviour(c, results.incomplete === true)),
  };
}
