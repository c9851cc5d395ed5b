// Everything the mock remembers, inspectable by tests (like undici's MockAgent): candidates, upload
// handles, stored files, form submissions and the call history.
import type { UploadContext } from '../../protocol/constants.ts';
import type { FileHandleRef } from '../../protocol/responses.ts';

export interface UploadHandleRecord {
  id: string;
  token: string;
  context: UploadContext;
  organizationId: string;
  key: string;
  filename: string;
  contentType: string;
  contentLength: number;
  createdAt: number;
  usedAt?: number;
}

export interface CandidateRecord {
  id: string;
  organizationId: string;
  name: string;
  email?: string;
  createdAt: string;
  updatedAt: string;
  resumeFileHandle?: FileHandleRef;
  fileHandles: FileHandleRef[];
  applicationIds: string[];
}

export interface StoredFileRecord {
  id: string;
  handle: string;
  organizationId: string;
  ownerId: string;
  key: string;
  name: string;
}

export interface SubmissionRecord {
  id: string;
  organizationId: string;
  jobPostingId: string;
  candidateId: string;
  submittedValues: Record<string, unknown>;
}

export interface CallRecord {
  endpoint: string;
  status: number;
  code?: string;
  keyTitle?: string;
}

/** Call history is capped so a long load run cannot grow memory without bound. */
export const MAX_CALLS = 10_000;
/** Trimmed in batches: Array#shift per call would move 10,000 entries on every request of a load run. */
const TRIM_AT = MAX_CALLS + MAX_CALLS / 10;

export class MockState {
  readonly candidates = new Map<string, CandidateRecord>();
  readonly uploadHandles = new Map<string, UploadHandleRecord>();
  readonly files = new Map<string, StoredFileRecord>();
  readonly submissions = new Map<string, SubmissionRecord>();
  readonly calls: CallRecord[] = [];

  recordCall(call: CallRecord): void {
    this.calls.push(call);
    if (this.calls.length >= TRIM_AT) this.calls.splice(0, this.calls.length - MAX_CALLS);
  }
}
