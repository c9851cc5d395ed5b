// Public entry `upload-harness/client`: the flow client — build the documented requests, send them
// (ApiClient), POST the file to the presigned URL with every returned field first and the file last
// (StorageClient), attach the handle. Secrets never reach its recorded exchanges.
// Only the names listed here are public (docs/api.md); test/public-api.test.ts pins the list.
export { ApiClient, type ApiClientOptions, type ApiKeyRef, type ApiResponse } from '../client/api-client.ts';
export { StorageClient, type UploadInput, type FileSource, type FieldList, type StorageResponse } from '../client/storage-client.ts';
export { closeAgent, type HttpOptions, type RawResponse } from '../client/http.ts';
export { TransportError, type TransportErrorCode } from '../client/errors.ts';
export type { Exchange } from '../client/exchange.ts';
export {
  createFileUploadHandle,
  uploadResume,
  uploadFile,
  submitApplicationForm,
  createCandidate,
  candidateInfo,
  fileInfo,
  jobPostingInfo,
  apiKeyInfo,
  type ProtocolRequest,
  type CreateUploadHandleInput,
  type ApplicationFormSubmitInput,
  type FieldSubmission,
} from '../protocol/requests.ts';
export { parseEnvelope, type ParsedEnvelope, type Envelope, type UploadHandleResults, type Candidate, type FileHandleRef, type FileInfoResults } from '../protocol/responses.ts';
export { encodeMultipart, type EncodedMultipart, type MultipartFile, type FormFields } from '../protocol/multipart.ts';
export { UPLOAD_CONTEXTS, UPLOAD_URL_TTL_SECONDS, type UploadContext } from '../protocol/constants.ts';
