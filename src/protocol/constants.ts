// Facts of the documented API that every part (mock, client, conformance, k6 scenarios) shares.
// Sources: docs/sources.md (the Ashby docs and OpenAPI entries).

export const UPLOAD_CONTEXTS = ['CandidateResume', 'CandidateFiles', 'ApplicationForm'] as const;
export type UploadContext = (typeof UPLOAD_CONTEXTS)[number];

/** "The presigned URL expires after 10 minutes." (docs/sources.md, "Ashby docs: file.createFileUploadHandle") */
export const UPLOAD_URL_TTL_SECONDS = 600;

export const PERMISSIONS = [
  'candidatesRead',
  'candidatesWrite',
  'jobsRead',
  'jobsWrite',
  'apiKeysRead',
  'organizationRead',
  'interviewsRead',
  'interviewsWrite',
  'hiringProcessMetadataRead',
  'offersRead',
  'offersWrite',
  'reportsRead',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Every endpoint the harness speaks, with the permission the docs say it needs. */
export const ENDPOINTS = {
  'file.createFileUploadHandle': 'candidatesWrite',
  'candidate.uploadResume': 'candidatesWrite',
  'candidate.uploadFile': 'candidatesWrite',
  'candidate.create': 'candidatesWrite',
  'candidate.info': 'candidatesRead',
  'file.info': 'candidatesRead',
  'applicationForm.submit': 'candidatesWrite',
  'jobPosting.info': 'jobsRead',
  'jobPosting.list': 'jobsRead',
  'apiKey.info': 'apiKeysRead',
} as const satisfies Record<string, Permission>;
export type Endpoint = keyof typeof ENDPOINTS;

/** Which follow-up call consumes a handle of each context, and under which body field. */
export const FOLLOW_UP = {
  CandidateResume: { endpoint: 'candidate.uploadResume', handleField: 'resumeHandle' },
  CandidateFiles: { endpoint: 'candidate.uploadFile', handleField: 'fileHandle' },
  ApplicationForm: { endpoint: 'applicationForm.submit', handleField: 'value' },
} as const satisfies Record<UploadContext, { endpoint: Endpoint; handleField: string }>;

/** Error codes the harness and the mock use. Documented ones are marked; the rest are our decisions
 * (docs/decisions/0002-error-codes.md). */
export const ERROR_CODES = {
  missingEndpointPermission: 'missing_endpoint_permission', // named by Ashby's authentication page
  invalidInput: 'invalid_input', // SPEC (generic validation code)
  missingApiKey: 'missing_api_key',
  invalidApiKey: 'invalid_api_key',
  unsupportedContentType: 'unsupported_content_type',
  payloadTooLarge: 'payload_too_large',
  notFound: 'endpoint_not_found',
  candidateNotFound: 'candidate_not_found',
  jobPostingNotFound: 'job_posting_not_found',
  fileNotFound: 'file_not_found',
  fileHandleInvalid: 'file_handle_invalid',
  serviceUnavailable: 'service_unavailable',
  handleInvalid: 'file_upload_handle_invalid',
  handleNotFound: 'file_upload_handle_not_found',
  handleNotUploaded: 'file_upload_not_completed',
  handleWrongContext: 'file_upload_handle_wrong_context',
  handleAlreadyUsed: 'file_upload_handle_already_used',
  applicationValidationFailed: 'application_validation_failed',
  internalError: 'internal_error',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
