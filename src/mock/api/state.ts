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
  /** The HTTP status answered; 0 when the client went away before the answer (`aborted`). */
  status: number;
  /** The client closed the connection before it was answered (e.g. its time-out under the latency fault). */
  aborted?: true;
  code?: string;
  keyTitle?: string;
}

/** Call history is capped so a long load run cannot grow memory without bound. */
export const MAX_CALLS = 10_000;
/** Trimmed in batches: Array#shift per call would move 10,000 entries on every request of a load run. */
const TRIM_AT = MAX_CALLS + MAX_CALLS / 10;

/** Records kept per kind (upload handles, candidates, stored files, submissions). */
export const MAX_RECORDS = 100_000;

/**
 * A Map that forgets its oldest entries beyond `limit`, so a long load or soak run against the mock
 * (thousands of handles and candidates per second) cannot grow memory without bound: 100,000 of each
 * kind is minutes to hours of history at load-test rates and ~100 MB at most. A forgotten upload handle
 * or candidate then answers "not found", like an unknown one.
 */
export class RecentMap<K, V> extends Map<K, V> {
  /**
   * Keys in insertion order, oldest at `head`. Evicting through `this.keys().next()` instead is O(deleted
   * entries) in V8: its ordered hash table keeps deleted slots as holes until the next rehash and every
   * new iterator walks them, so at a full map each eviction cost up to ~100 µs and the mock's handle
   * throughput fell by more than half once 100,000 handles had been issued (test/mock/state-calls.test.ts).
   */
  private order: K[] = [];
  private head = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    const size = this.size;
    super.set(key, value);
    if (this.size > size) this.order.push(key); // a new key; an update keeps its place (one hash lookup, not two)
    while (this.size > this.limit) this.evictOldest();
    return this;
  }

  override clear(): void {
    super.clear();
    this.order = [];
    this.head = 0;
  }

  private evictOldest(): void {
    // Keys deleted by other means are skipped; the queue is compacted once half of it is spent.
    while (this.head < this.order.length && !super.delete(this.order[this.head++]!));
    if (this.head > this.limit) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

export class MockState {
  readonly candidates = new RecentMap<string, CandidateRecord>(MAX_RECORDS);
  readonly uploadHandles = new RecentMap<string, UploadHandleRecord>(MAX_RECORDS);
  readonly files = new RecentMap<string, StoredFileRecord>(MAX_RECORDS);
  readonly submissions = new RecentMap<string, SubmissionRecord>(MAX_RECORDS);
  readonly calls: CallRecord[] = [];

  recordCall(call: CallRecord): void {
    this.calls.push(call);
    if (this.calls.length >= TRIM_AT) this.calls.splice(0, this.calls.length - MAX_CALLS);
  }
}
