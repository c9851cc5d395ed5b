// The sources that check declarations cite, each an entry of docs/sources.md (test/sources.test.ts
// resolves every `source` of the catalogue). Shared so that one source is spelled one way everywhere.
export const S = {
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
