// Every error answer of the mock API, in one registry: internal name → public code, HTTP status and
// message (like Fastify's lib/errors.js, where each FST_ERR_* carries its code, status and text). The
// routes and the endpoint handlers only ever throw `apiErrors.<name>(…)`, so a
// code, its status and its wording are written once; decision 0002 lists the same codes and statuses
// and test/mock/api-errors.test.ts keeps the two (and every code the tests expect) in step.
// Several entries may share a public code (`invalid_input` has many causes); the name tells them apart.
import { ERROR_CODES, type ErrorCode } from '../../protocol/constants.ts';
import { ApiError } from './envelope.ts';
import type { ProfileRefusal } from '../profile.ts';

/** Builds the ApiError of one registry entry; `code` and `status` are readable without building one. */
export interface ApiErrorFactory<A extends unknown[]> {
  (...args: A): ApiError;
  readonly code: ErrorCode;
  readonly status: number;
}

function define<A extends unknown[]>(code: ErrorCode, status: number, message: (...args: A) => string): ApiErrorFactory<A> {
  const make = (...args: A): ApiError => new ApiError(status, code, message(...args));
  return Object.assign(make, { code, status });
}

/** Validation and not-found failures are HTTP 200 with success:false; auth 401/403 (docs/sources.md,
 * "Ashby docs: responses & errors", "Ashby docs: authentication"). */
const OK = 200;

export const apiErrors = {
  // Authentication and permission (checked before the body is read).
  missingApiKey: define(ERROR_CODES.missingApiKey, 401, () => 'Missing Authorization header: send the API key as the Basic auth user name'),
  malformedAuthorization: define(ERROR_CODES.invalidApiKey, 403, () => 'Malformed Authorization header: expected Basic base64(apiKey:)'),
  invalidApiKey: define(ERROR_CODES.invalidApiKey, 403, () => 'Invalid API key'),
  missingPermission: define(ERROR_CODES.missingEndpointPermission, 403, (permission: string, endpoint: string) => `This API key lacks the ${permission} permission ${endpoint} requires`),

  // Transport: body parsing, limits, routing.
  malformedJson: define(ERROR_CODES.invalidInput, OK, () => 'Request payload is malformed: invalid JSON'),
  emptyBody: define(ERROR_CODES.invalidInput, OK, () => 'Request payload is malformed: empty body'),
  malformedPayload: define(ERROR_CODES.invalidInput, OK, () => 'Request payload is malformed'),
  malformedMultipart: define(ERROR_CODES.invalidInput, OK, () => 'Request payload is malformed: bad multipart/form-data'),
  payloadTooLarge: define(ERROR_CODES.payloadTooLarge, 413, (limit: number) => `Request payload exceeds ${limit} bytes`),
  filePartTooLarge: define(ERROR_CODES.payloadTooLarge, 413, (part: string, limit: number) => `File part ${part} exceeds ${limit} bytes`),
  unsupportedContentType: define(ERROR_CODES.unsupportedContentType, 415, () => 'Content-Type must be application/json'),
  endpointNotFound: define(ERROR_CODES.notFound, 404, (method: string, path: string) => `Unknown endpoint ${method} ${path}`),
  serviceUnavailable: define(ERROR_CODES.serviceUnavailable, 503, () => 'Service unavailable (random-5xx fault)'),
  internalError: define(ERROR_CODES.internalError, 500, () => 'Internal error'),
  faultServerError: define(ERROR_CODES.internalError, 500, () => 'Internal error (server-error-on-extra-field fault)'),
  storePartFailed: define(ERROR_CODES.internalError, 500, (status: number) => `storing the file part failed with HTTP ${status}`),

  // Request validation (the compiled schemas and the rules they cannot express).
  schemaViolation: define(ERROR_CODES.invalidInput, OK, (details: string) => details),
  missingField: define(ERROR_CODES.invalidInput, OK, (field: string) => `${field}: must have required property '${field}'`),
  unknownFieldPath: define(ERROR_CODES.invalidInput, OK, (path: string) => `applicationForm.fieldSubmissions: unknown field path ${path}`),
  fieldNotString: define(ERROR_CODES.invalidInput, OK, (path: string) => `${path}: must be string`),
  applicationFormNotJson: define(ERROR_CODES.invalidInput, OK, () => 'applicationForm: must be a JSON-encoded string part'),
  noFilePart: define(ERROR_CODES.invalidInput, OK, (path: string, value: unknown) => `${path}: no file part named ${JSON.stringify(value)}`),
  resumeNotHandle: define(ERROR_CODES.invalidInput, OK, () => '_systemfield_resume: must be a file upload handle string'),

  // Not found (another organisation's record is "not found" too, never "forbidden").
  candidateNotFound: define(ERROR_CODES.candidateNotFound, OK, (id: string) => `No candidate with id ${id}`),
  jobPostingNotFound: define(ERROR_CODES.jobPostingNotFound, OK, (id?: string) => (id === undefined ? 'No job posting with this id' : `No job posting with id ${id}`)),
  fileHandleInvalid: define(ERROR_CODES.fileHandleInvalid, OK, () => 'The file handle is malformed or has been tampered with'),
  fileNotFound: define(ERROR_CODES.fileNotFound, OK, () => 'No file with this handle exists'),

  // Application form rules (docs/sources.md, "Ashby OpenAPI: applicationForm.submit").
  requiredField: define(ERROR_CODES.applicationValidationFailed, OK, (title: string) => `${title} is required`),
  invalidEmail: define(ERROR_CODES.applicationValidationFailed, OK, () => 'Email: must be a valid email address'),
  testAddressRejected: define(ERROR_CODES.applicationValidationFailed, OK, () => 'The application failed validation (test address)'),

  // Upload handles (decision 0001: checked in this order when consumed).
  handleInvalid: define(ERROR_CODES.handleInvalid, OK, () => 'The file upload handle is malformed or has been tampered with'),
  handleNotFound: define(ERROR_CODES.handleNotFound, OK, () => 'No file upload handle with this value exists'),
  handleWrongContext: define(ERROR_CODES.handleWrongContext, OK, (created: string, endpoint: string, needed: string) => `This handle was created for fileUploadContext ${created}; ${endpoint} needs ${needed}`),
  handleNotUploaded: define(ERROR_CODES.handleNotUploaded, OK, () => 'The file for this handle has not been uploaded yet; POST it to the presigned url first'),
  handleAlreadyUsed: define(ERROR_CODES.handleAlreadyUsed, OK, () => 'This file upload handle has already been used'),
} as const;

/** Answers of the test-only control routes (/_control/*): plain `{success:false, error}`, HTTP 400. */
export const controlErrors = {
  invalidJson: 'body is not valid JSON',
  advanceMs: 'advanceMs must be a finite number',
  faults: 'faults must be an array of strings',
} as const;

/** A refusal a mock profile adopted from an observed target (src/mock/profile.ts): its status, code and
 * message are the target's, so they are no entry of the registry above; only a profile supplies them. */
export function adoptedRefusal(r: ProfileRefusal): ApiError {
  return new ApiError(r.status, r.code, r.message);
}
