// Assertions of the conformance checks. Each failure carries a fixed message plus expected vs received
// (Schemathesis-style), which the reporter shows next to the redacted exchange. Nothing here decides a
// level or a status: that is the catalogue's and the reporter's job.
import type { ApiResponse, StorageResponse } from '../client/index.ts';
import { formatViolations, validate } from '../validation/index.ts';

export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** An answer in neither documented class (accepted / refused). It fails the check that met it at MUST
 * strength whatever the check's level: an INFO check records WHICH documented behaviour the target
 * chose, and an answer outside them is no behaviour to record (docs/decisions/0026). */
export class UnclassifiedAnswer extends CheckFailure {
  constructor(message: string, expected: string, received: string) {
    super(message, expected, received);
    this.name = 'UnclassifiedAnswer';
  }
}

export function fail(message: string, expected: string, received: string): never {
  throw new CheckFailure(message, expected, received);
}

const short = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function describeApi(res: ApiResponse): string {
  return `HTTP ${res.status} ${short(res.text)}`;
}

export function describeStorage(res: StorageResponse): string {
  const err = (res.xml?.Error ?? undefined) as Record<string, unknown> | undefined;
  return err ? `HTTP ${res.status} ${String(err.Code)}: ${String(err.Message)}` : `HTTP ${res.status} ${short(res.text) || '(empty body)'}`;
}

export type AnswerClass = 'accepted' | 'refused';

const API_CLASSES = 'accepted (HTTP 2xx {success:true, results}) or refused (HTTP 200 or 4xx {success:false, errorInfo:{code}}, or 401/403)';
const STORAGE_CLASSES = 'accepted (HTTP 2xx) or refused (HTTP 4xx with S3 error XML <Error><Code>…)';

const isApi = (res: ApiResponse | StorageResponse): res is ApiResponse => 'envelope' in res;

/** The error code of an error envelope (errorInfo.code, or else errors[0]), if any. */
function envelopeCode(json: unknown): string | undefined {
  const v = json as { success?: unknown; errors?: unknown; errorInfo?: { code?: unknown } } | undefined;
  if (v?.success !== false) return undefined;
  const code = v.errorInfo?.code ?? (Array.isArray(v.errors) ? (v.errors as unknown[])[0] : undefined);
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/**
 * The one classification of an answer into the documented classes, used by every check that records
 * what the target did. API: accepted = 2xx with the success envelope; refused = the error envelope with
 * a code at HTTP 200 (Ashby docs, responses & errors: "what would be 4XX errors will return 200") or 4xx, or a 401/403 whatever
 * its body (Ashby docs, authentication: the body shape of those is not documented). Storage: accepted = 2xx; refused =
 * 4xx with S3 error XML carrying a Code. Anything else — a 5xx, a redirect, 2xx without the envelope, a
 * 4xx without a documented body — throws UnclassifiedAnswer.
 */
export function classifyAnswer(res: ApiResponse | StorageResponse, what: string): AnswerClass {
  const s = res.status;
  if (isApi(res)) {
    if (s >= 200 && s < 300 && res.envelope.kind === 'success') return 'accepted';
    if (s === 401 || s === 403) return 'refused';
    if ((s === 200 || (s >= 400 && s < 500)) && envelopeCode(res.json) !== undefined) return 'refused';
    throw new UnclassifiedAnswer(`${what}: the answer is neither an acceptance nor a documented refusal`, API_CLASSES, describeApi(res));
  }
  if (s >= 200 && s < 300) return 'accepted';
  const code = (res.xml?.Error as Record<string, unknown> | undefined)?.Code;
  if (s >= 400 && s < 500 && typeof code === 'string' && code !== '') return 'refused';
  throw new UnclassifiedAnswer(`${what}: the storage answer is neither an acceptance nor an S3 error`, STORAGE_CLASSES, describeStorage(res));
}

/** The body validates against schemas/<name>.json; a failure lists instance path + keyword. */
export function expectSchema(name: string, data: unknown, what: string): void {
  const result = validate(name, data);
  if (!result.ok) fail(`${what} does not match schemas/${name}.json`, `a value valid against ${name}`, formatViolations(result.violations));
}

/** A successful API call whose body matches its response schema; returns the results. */
export function expectSuccess<R>(res: ApiResponse<R>, schema: string, what: string): R {
  if (res.status !== 200 || res.envelope.kind !== 'success') fail(`${what} did not succeed`, `HTTP 200 {success:true, results}`, describeApi(res));
  expectSchema(schema, res.json, `${what} response`);
  return res.envelope.results;
}

/** A documented refusal: HTTP 200, success:false, an error code, the shared error envelope (Ashby docs: responses & errors). */
export function expectApiError(res: ApiResponse, what: string): string {
  const expected = 'HTTP 200 {success:false, errors:[…], errorInfo:{code}}';
  if (res.envelope.kind === 'success') fail(`${what} was accepted`, expected, describeApi(res));
  if (res.status !== 200) fail(`${what} was refused with HTTP ${res.status} instead of 200`, expected, describeApi(res));
  expectSchema('error-envelope', res.json, `${what} error body`);
  return (res.envelope as { code: string }).code;
}

/** Refused in any documented way (classifyAnswer); used where only "not accepted" is known. */
export function expectRefused(res: ApiResponse, what: string): void {
  if (classifyAnswer(res, what) === 'accepted') fail(`${what} was accepted`, 'a refusal (success:false)', describeApi(res));
}

export function expectStatus(res: ApiResponse, status: number, what: string): void {
  if (res.status !== status) fail(`${what}: HTTP ${res.status} instead of ${status}`, `HTTP ${status}`, describeApi(res));
}

/** 403 + missing_endpoint_permission (Ashby docs: authentication). */
export function expectPermissionDenied(res: ApiResponse, what: string): void {
  const expected = 'HTTP 403 with error code missing_endpoint_permission';
  if (res.status !== 403) fail(`${what} was not refused with 403`, expected, describeApi(res));
  const code = res.envelope.kind === 'error' ? res.envelope.code : undefined;
  if (code !== 'missing_endpoint_permission' && !res.text.includes('missing_endpoint_permission'))
    fail(`${what}: 403 without missing_endpoint_permission`, expected, describeApi(res));
}

/** An S3 rejection: status, Error/Code and optionally a message prefix, as S3 answers it. */
export function expectStorageError(res: StorageResponse, status: number, code: string, what: string, messagePrefix?: string): void {
  const expected = `HTTP ${status} <Error><Code>${code}</Code>${messagePrefix ? `<Message>${messagePrefix}…` : ''}`;
  if (res.status >= 200 && res.status < 300) fail(`${what} was accepted by storage`, expected, describeStorage(res));
  const err = (res.xml?.Error ?? undefined) as Record<string, unknown> | undefined;
  if (res.status !== status || err?.Code !== code) fail(`${what} was not rejected as S3 rejects it`, expected, describeStorage(res));
  if (messagePrefix && !String((err.Message ?? '') as string | number).startsWith(messagePrefix)) fail(`${what}: wrong S3 error message`, expected, describeStorage(res));
}

export function expectStorageOk(res: StorageResponse, what: string): void {
  if (res.status < 200 || res.status >= 300) fail(`${what} was rejected by storage`, 'HTTP 2xx', describeStorage(res));
}
