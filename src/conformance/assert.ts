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

/** A documented refusal: HTTP 200, success:false, an error code, the shared error envelope (DOC D3). */
export function expectApiError(res: ApiResponse, what: string): string {
  const expected = 'HTTP 200 {success:false, errors:[…], errorInfo:{code}}';
  if (res.envelope.kind === 'success') fail(`${what} was accepted`, expected, describeApi(res));
  if (res.status !== 200) fail(`${what} was refused with HTTP ${res.status} instead of 200`, expected, describeApi(res));
  expectSchema('error-envelope', res.json, `${what} error body`);
  return (res.envelope as { code: string }).code;
}

/** Refused in any documented way: success:false (any status); used where only "not accepted" is known. */
export function expectRefused(res: ApiResponse, what: string): void {
  if (res.envelope.kind === 'success') fail(`${what} was accepted`, 'a refusal (success:false)', describeApi(res));
}

export function expectStatus(res: ApiResponse, status: number, what: string): void {
  if (res.status !== status) fail(`${what}: HTTP ${res.status} instead of ${status}`, `HTTP ${status}`, describeApi(res));
}

/** 403 + missing_endpoint_permission (DOC D2). */
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
  if (messagePrefix && !String(err.Message ?? '').startsWith(messagePrefix)) fail(`${what}: wrong S3 error message`, expected, describeStorage(res));
}

export function expectStorageOk(res: StorageResponse, what: string): void {
  if (res.status < 200 || res.status >= 300) fail(`${what} was rejected by storage`, 'HTTP 2xx', describeStorage(res));
}
