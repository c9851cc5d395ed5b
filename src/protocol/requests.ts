// Pure request builders: what to send, never how. Executors (undici client, k6 transport) turn a
// ProtocolRequest into bytes on the wire with toHttpRequest().
import { basicAuthHeader } from './auth.ts';
import type { Endpoint, UploadContext } from './constants.ts';

export interface ProtocolRequest<B = unknown> {
  endpoint: Endpoint;
  body: B;
}

export interface CreateUploadHandleInput {
  fileUploadContext: UploadContext;
  filename: string;
  contentType: string;
  contentLength: number;
}

export interface FieldSubmission {
  path: string;
  value: unknown;
}

export interface ApplicationFormSubmitInput {
  jobPostingId: string;
  fieldSubmissions: FieldSubmission[];
}

export const createFileUploadHandle = (input: CreateUploadHandleInput): ProtocolRequest<CreateUploadHandleInput> => ({
  endpoint: 'file.createFileUploadHandle',
  body: {
    fileUploadContext: input.fileUploadContext,
    filename: input.filename,
    contentType: input.contentType,
    contentLength: input.contentLength,
  },
});

export const uploadResume = (candidateId: string, resumeHandle: string): ProtocolRequest => ({
  endpoint: 'candidate.uploadResume',
  body: { candidateId, resumeHandle },
});

export const uploadFile = (candidateId: string, fileHandle: string): ProtocolRequest => ({
  endpoint: 'candidate.uploadFile',
  body: { candidateId, fileHandle },
});

export const submitApplicationForm = (input: ApplicationFormSubmitInput): ProtocolRequest => ({
  endpoint: 'applicationForm.submit',
  body: { jobPostingId: input.jobPostingId, applicationForm: { fieldSubmissions: input.fieldSubmissions } },
});

export const createCandidate = (name: string, email?: string): ProtocolRequest => ({
  endpoint: 'candidate.create',
  body: email === undefined ? { name } : { name, email },
});

export const candidateInfo = (id: string): ProtocolRequest => ({ endpoint: 'candidate.info', body: { id } });
export const fileInfo = (fileHandle: string): ProtocolRequest => ({ endpoint: 'file.info', body: { fileHandle } });
export const jobPostingInfo = (jobPostingId: string): ProtocolRequest => ({
  endpoint: 'jobPosting.info',
  body: { jobPostingId },
});
export const apiKeyInfo = (): ProtocolRequest => ({ endpoint: 'apiKey.info', body: {} });

export interface HttpRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Every endpoint is `POST <base>/<category>.<method>` with a JSON body and Basic auth (docs/sources.md,
 * "Ashby docs: introduction"). */
export function toHttpRequest(baseUrl: string, apiKey: string | undefined, request: ProtocolRequest): HttpRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey !== undefined) headers.authorization = basicAuthHeader(apiKey);
  return {
    method: 'POST',
    url: `${baseUrl.replace(/\/+$/, '')}/${request.endpoint}`,
    headers,
    body: JSON.stringify(request.body),
  };
}
