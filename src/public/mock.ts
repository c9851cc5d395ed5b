// Public entry `upload-harness/mock`: the mock API + S3 storage emulator as a library, for a user's own
// test suite (start it in beforeAll, switch faults per test, move its clock, inspect what it recorded).
// Only the names listed here are public (docs/api.md); test/public-api.test.ts pins the list.
export { startMockServer, SERVER_LIMITS, STORAGE_CAPS, DEFAULT_KEYS, loadKeysFile, DEFAULT_JOB_POSTING_ID, DEFAULT_STORAGE_CORS, parseStorageCors } from '../mock/index.ts';
export type { MockServer, MockServerOptions, ServerLimits, StorageCaps, StorageCors, MockKey } from '../mock/index.ts';
export { FAULTS, parseFaults, FaultSpecError } from '../mock/faults.ts';
export { loadProfile, MOCK_PROFILE_KIND } from '../mock/profile.ts';
export type { MockProfile, ProfileChoices, ProfileRefusal } from '../mock/profile.ts';
export type { FaultName, FaultDefinition, FaultLayer } from '../mock/faults.ts';
export { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
export type { StorageCredentials, StoredObject } from '../mock/storage/types.ts';
export { MockControlClient, MockControlError } from '../mock/control-client.ts';
export type { MockClock } from '../mock/clock.ts';
export type { MockState, CallRecord, CandidateRecord, UploadHandleRecord, StoredFileRecord, SubmissionRecord } from '../mock/api/state.ts';
// Client verification inside the user's own tests: record what their client sends, judge it.
export { ClientRecorder } from '../verify/recorder.ts';
export { judgeClient, type JudgeOptions } from '../verify/judge.ts';
export type { ClientResults } from '../results/client.ts';
