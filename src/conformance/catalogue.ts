// The check catalogue: every conformance check with a stable id, a one-line title, its group, its
// evidence level and the rule's source (an entry of docs/sources.md, checked by test/sources.test.ts). This is code, the single registry: the suites in
// conformance/ may only run ids listed here, README.md must list exactly these
// (test/conformance-catalogue.test.ts), and the fault matrix names them.
//
// Levels follow the evidence (docs/decisions/0020-conformance-levels.md): documented by Ashby or by S3 for
// POST policies → MUST; inferred → SHOULD (a warning unless --strict); observed / open → INFO (records which
// documented behaviour the target chose; an answer outside them fails, docs/decisions/0026).

import type { CheckGroup, CheckLevel } from '../results/conformance.ts';

// Groups and levels are part of the results model (reports count by them); the catalogue assigns them.
export { GROUPS, LEVELS, type CheckGroup, type CheckLevel } from '../results/conformance.ts';

/** What a check needs from the target configuration; missing → skipped with the reason. */
export type CheckNeed =
  | 'candidate' // a candidate to attach uploads to: --candidate-id, or --allow-writes to create one
  | 'job-posting' // --job-posting-id (and consent to submit an application)
  | 'limited-key' // a key without candidatesWrite
  | 'other-org-key' // a key of another organisation
  | 'writes' // creates records on the target (--allow-writes; always allowed on the mock)
  | 'slow'; // waits out the 10-minute URL expiry: the mock's clock control, or --slow on a real target

export interface CheckDefinition {
  id: string;
  title: string;
  group: CheckGroup;
  level: CheckLevel;
  source: string;
  needs?: readonly CheckNeed[];
  /** 'run': judged by the runner over every exchange of the run (all checks, their set-up steps
   * included), not by a suite; it has a result whatever --only selects. */
  scope?: 'run';
}

const S = {
  handle: 'Ashby docs: file.createFileUploadHandle',
  handleSpec: 'Ashby OpenAPI: file.createFileUploadHandle',
  errors: 'Ashby docs: responses & errors',
  errorSpec: 'Ashby OpenAPI: shared error schema',
  auth: 'Ashby docs: authentication',
  cand: 'Ashby OpenAPI: candidate.uploadResume / uploadFile / info',
  file: 'Ashby OpenAPI: file.info',
  form: 'Ashby docs: applicationForm.submit (JSON mode)',
  s3Expiry: 'S3 POST policy: expiration',
  s3Range: 'S3 POST policy: content-length-range',
  s3Cond: 'S3 POST policy: conditions',
  s3Sig: 'S3 SigV4 POST authentication',
  s3Post: 'S3 POST Object',
  s3Errors: 'S3 error responses',
  inferred: 'inferred',
} as const;

const validationFields = ['fileUploadContext', 'filename', 'contentType', 'contentLength'] as const;
const badValueKinds = [
  ['missing', 'is missing'],
  ['null', 'is null'],
  ['wrong-type', 'has the wrong JSON type'],
  ['empty', 'is an empty string'],
] as const;

const followUps = [
  ['resume', 'candidate.uploadResume', 'resumeHandle'],
  ['files', 'candidate.uploadFile', 'fileHandle'],
] as const;

export const CHECKS: readonly CheckDefinition[] = [
  // envelope & schema
  { id: 'envelope.handle.schema', title: 'handle response is {success:true, results:{handle, url, fields of strings}}', group: 'envelope', level: 'MUST', source: `${S.handleSpec}: response` },
  { id: 'envelope.handle.content-type', title: 'API answers are application/json', group: 'envelope', level: 'MUST', source: `${S.handleSpec}: every response is declared application/json` },
  { id: 'envelope.error.schema', title: 'an error answer is {success:false, errors:[string], errorInfo:{code}}', group: 'envelope', level: 'MUST', source: S.errorSpec },
  { id: 'envelope.error.http-200', title: 'a validation error is HTTP 200 with success:false', group: 'envelope', level: 'MUST', source: S.errors },
  { id: 'envelope.error.request-id', title: 'errorInfo.requestId is present (recorded)', group: 'envelope', level: 'INFO', source: S.errorSpec },
  { id: 'envelope.candidate.schema', title: 'candidate.info answers the candidate object', group: 'envelope', level: 'MUST', source: S.cand, needs: ['candidate'] },
  { id: 'envelope.storage.success-204', title: 'a successful storage POST answers 204 with an empty body', group: 'envelope', level: 'SHOULD', source: `${S.s3Post}: default success_action_status (storage being S3 is inferred)` },
  { id: 'envelope.storage.error-xml', title: 'a storage rejection is S3 error XML {Error:{Code, Message, RequestId}}', group: 'envelope', level: 'MUST', source: S.s3Errors },
  { id: 'envelope.no-server-error', title: 'no answer of the run is a 5xx (every API and storage exchange of every check, INFO and set-up steps included), and no answer an INFO check met falls outside the documented classes', group: 'envelope', level: 'MUST', source: `${S.errors}: what would be 4XX errors return 200; ${S.s3Errors}`, scope: 'run' },

  // contexts end to end
  { id: 'ctx.resume.roundtrip', title: 'CandidateResume: upload → uploadResume → candidate.info → file.info → same SHA-256', group: 'contexts', level: 'MUST', source: `${S.handle}; ${S.cand}; ${S.file}`, needs: ['candidate'] },
  { id: 'ctx.files.roundtrip', title: 'CandidateFiles: upload → uploadFile → a new fileHandles[] entry → same SHA-256', group: 'contexts', level: 'MUST', source: `${S.handle}; ${S.cand}; ${S.file}`, needs: ['candidate'] },
  { id: 'ctx.files.name', title: 'the new fileHandles[] entry is named like the uploaded file', group: 'contexts', level: 'SHOULD', source: S.inferred, needs: ['candidate'] },
  { id: 'ctx.form.submit', title: 'ApplicationForm: upload → applicationForm.submit (JSON) with the handle as File value', group: 'contexts', level: 'MUST', source: `${S.handle}; ${S.form}`, needs: ['job-posting'] },
  { id: 'ctx.size.zero', title: 'a 0-byte file (recorded: accepted or refused)', group: 'contexts', level: 'INFO', source: `${S.handle}: contentLength has no documented minimum` },
  { id: 'ctx.size.one-byte', title: 'a 1-byte file round-trips', group: 'contexts', level: 'MUST', source: S.handle, needs: ['candidate'] },
  { id: 'ctx.size.multi-mib', title: 'a multi-MiB file streamed from disk round-trips', group: 'contexts', level: 'MUST', source: S.handle, needs: ['candidate'] },
  { id: 'ctx.filename.unicode', title: 'a file named with spaces and non-ASCII characters round-trips', group: 'contexts', level: 'MUST', source: S.handle, needs: ['candidate'] },
  { id: 'ctx.filename.preserved', title: 'the stored name equals the unicode filename', group: 'contexts', level: 'SHOULD', source: S.inferred, needs: ['candidate'] },

  // validation
  ...validationFields.flatMap((field) =>
    badValueKinds.map(([kind, text]) => ({
      id: `validation.${kind}.${field}`,
      title: `handle request whose ${field} ${text} → HTTP 200, success:false, a code`,
      group: 'validation' as const,
      level: 'MUST' as const,
      source: `${S.handleSpec} (required fields); ${S.errors}`,
    })),
  ),
  { id: 'validation.context.invalid', title: 'an unknown fileUploadContext → success:false', group: 'validation', level: 'MUST', source: `${S.handle} (enum)` },
  { id: 'validation.length.negative', title: 'a negative contentLength → success:false', group: 'validation', level: 'SHOULD', source: `${S.inferred}: no minimum is documented` },
  { id: 'validation.length.fractional', title: 'a fractional contentLength → success:false', group: 'validation', level: 'MUST', source: `${S.handleSpec}: integer` },
  { id: 'validation.length.oversized', title: 'contentLength above 2^53−1 → success:false', group: 'validation', level: 'MUST', source: `${S.handle}: ≤ 9007199254740991` },
  { id: 'validation.extra-field', title: 'an unknown extra field (recorded: ignored or refused)', group: 'validation', level: 'INFO', source: `${S.handleSpec}: not stated` },
  { id: 'validation.malformed-json', title: 'a malformed JSON body → HTTP 200, success:false, a code', group: 'validation', level: 'SHOULD', source: `${S.errors} (unparseable JSON is not documented)` },
  ...followUps.flatMap(([slug, endpoint, handleField]) => [
    { id: `validation.${slug}.candidate-missing`, title: `${endpoint} without candidateId → success:false`, group: 'validation' as const, level: 'MUST' as const, source: S.cand },
    { id: `validation.${slug}.candidate-garbled`, title: `${endpoint} with a garbled candidateId → success:false`, group: 'validation' as const, level: 'MUST' as const, source: S.cand },
    { id: `validation.${slug}.handle-missing`, title: `${endpoint} without ${handleField} → success:false`, group: 'validation' as const, level: 'MUST' as const, source: S.cand, needs: ['candidate'] as const },
    { id: `validation.${slug}.handle-garbled`, title: `${endpoint} with a garbled ${handleField} → success:false`, group: 'validation' as const, level: 'MUST' as const, source: S.cand, needs: ['candidate'] as const },
  ]),

  // permissions
  { id: 'auth.missing-key.401', title: 'no Authorization header → 401', group: 'permissions', level: 'MUST', source: S.auth },
  { id: 'auth.unknown-key.403', title: 'an unknown API key → 403', group: 'permissions', level: 'MUST', source: S.auth },
  { id: 'auth.limited-key.handle.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on file.createFileUploadHandle', group: 'permissions', level: 'MUST', source: `${S.auth}; ${S.handle}`, needs: ['limited-key'] },
  { id: 'auth.limited-key.upload-resume.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on candidate.uploadResume', group: 'permissions', level: 'MUST', source: `${S.auth}; ${S.cand}`, needs: ['limited-key'] },
  { id: 'auth.limited-key.upload-file.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on candidate.uploadFile', group: 'permissions', level: 'MUST', source: `${S.auth}; ${S.cand}`, needs: ['limited-key'] },
  { id: 'auth.limited-key.form-submit.403', title: 'a key without candidatesWrite → 403 missing_endpoint_permission on applicationForm.submit', group: 'permissions', level: 'MUST', source: `${S.auth}; ${S.form}`, needs: ['limited-key'] },
  { id: 'auth.other-org.handle-refused', title: "another organisation's key cannot use this organisation's handle", group: 'permissions', level: 'SHOULD', source: `${S.inferred}: handles are bound to their organisation`, needs: ['other-org-key', 'candidate', 'writes'] },
  { id: 'auth.other-org.candidate-refused', title: "another organisation's key cannot read this organisation's candidate", group: 'permissions', level: 'SHOULD', source: `${S.inferred}: data is per organisation`, needs: ['other-org-key', 'candidate'] },
  { id: 'auth.error-body', title: 'body of the 401/403 answers (recorded)', group: 'permissions', level: 'INFO', source: `${S.auth}: "a human-readable response", shape not documented` },

  // expiry
  { id: 'expiry.policy.ttl-600s', title: 'policy expiration − X-Amz-Date = 600 s (± clock skew)', group: 'expiry', level: 'MUST', source: `${S.handle}: "The presigned URL expires after 10 minutes."` },
  { id: 'expiry.before-deadline.accepted', title: 'an upload shortly before the 10 minutes are over is accepted', group: 'expiry', level: 'MUST', source: S.handle, needs: ['slow'] },
  { id: 'storage.policy.expired', title: 'an upload after expiry → 403 AccessDenied "Invalid according to Policy: Policy expired."', group: 'expiry', level: 'MUST', source: S.s3Expiry, needs: ['slow'] },

  // storage policy
  { id: 'storage.size.too-large', title: 'more bytes than contentLength → 400 EntityTooLarge, nothing stored', group: 'storage', level: 'SHOULD', source: `${S.s3Range} (the policy pinning contentLength is inferred)` },
  { id: 'storage.size.too-small', title: 'fewer bytes than contentLength → 400 EntityTooSmall, nothing stored', group: 'storage', level: 'SHOULD', source: `${S.s3Range} (the policy pinning contentLength is inferred)` },
  { id: 'storage.content-type.changed', title: 'a different Content-Type field → 403 AccessDenied, nothing stored', group: 'storage', level: 'SHOULD', source: `${S.s3Cond} (the policy pinning contentType is inferred)` },
  { id: 'storage.key.changed', title: 'a changed key → 403 AccessDenied, nothing stored', group: 'storage', level: 'MUST', source: S.s3Cond },
  { id: 'storage.policy.tampered', title: 'a tampered Policy → 403 SignatureDoesNotMatch, nothing stored', group: 'storage', level: 'MUST', source: S.s3Sig },
  { id: 'storage.signature.tampered', title: 'a tampered X-Amz-Signature → 403 SignatureDoesNotMatch, nothing stored', group: 'storage', level: 'MUST', source: S.s3Sig },
  { id: 'storage.field.missing', title: 'a missing X-Amz-Signature field → 400 InvalidArgument, nothing stored', group: 'storage', level: 'MUST', source: S.s3Sig },
  { id: 'storage.field.extra', title: 'an extra form field not in the policy → 403 AccessDenied, nothing stored', group: 'storage', level: 'MUST', source: `${S.s3Cond}: every field must be covered` },
  { id: 'storage.file-not-last', title: 'key sent after the file → 400 InvalidArgument (key missing), nothing stored', group: 'storage', level: 'MUST', source: `${S.s3Post}: the file must be the last field` },
  { id: 'storage.non-multipart', title: 'a body that is not multipart/form-data → 412 PreconditionFailed', group: 'storage', level: 'MUST', source: S.s3Post },

  // handle lifecycle
  { id: 'lifecycle.handle.unknown', title: 'a well-formed but unknown handle (recorded)', group: 'lifecycle', level: 'INFO', source: `${S.handle}: not stated`, needs: ['candidate'] },
  { id: 'lifecycle.handle.before-upload', title: 'a handle used before its upload → refused', group: 'lifecycle', level: 'SHOULD', source: `${S.handle}: pass the handle "after the file has been uploaded"`, needs: ['candidate'] },
  { id: 'lifecycle.wrong-context.resume', title: 'uploadResume refuses a CandidateFiles handle', group: 'lifecycle', level: 'MUST', source: `${S.cand}: "fileUploadContext must have been CandidateResume"`, needs: ['candidate'] },
  { id: 'lifecycle.wrong-context.files', title: 'uploadFile refuses a CandidateResume handle', group: 'lifecycle', level: 'MUST', source: `${S.cand}: a CandidateFiles handle`, needs: ['candidate'] },
  { id: 'lifecycle.wrong-context.form', title: 'applicationForm.submit refuses a CandidateResume handle', group: 'lifecycle', level: 'SHOULD', source: `${S.inferred}: the context enum exists`, needs: ['job-posting'] },
  { id: 'lifecycle.handle.reuse', title: 'a handle used twice (recorded: second use accepted or refused)', group: 'lifecycle', level: 'INFO', source: `${S.handle}: single use is not stated`, needs: ['candidate'] },
];

const byId = new Map(CHECKS.map((c) => [c.id, c]));

export function getCheck(id: string): CheckDefinition {
  const check = byId.get(id);
  if (!check) throw new Error(`check "${id}" is not in the catalogue (src/conformance/catalogue.ts)`);
  return check;
}

export function hasCheck(id: string): boolean {
  return byId.has(id);
}
