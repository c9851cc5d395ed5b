// The work a correct, unique, really-signed handle answer cannot skip, timed in this process per handle
// with the mock's own code: JSON.parse of the request, its schema check, a UUID, the policy text with
// its HMAC-SHA256 signature (SigV4, the signing key cached per day), the handle's seal (SHA-256 tag), the
// record that lets the follow-up call consume the handle (a full 100,000-entry map, as in a long run),
// and the JSON answer. `handle.bound` divides the bare server's time per request by that time added to
// it: the ratio the mock could reach if everything else it does cost nothing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiContext } from '../src/mock/api/context.ts';
import { handleAnswerJson } from '../src/mock/api/handle-answer.ts';
import { HandleCodec } from '../src/mock/api/handle-codec.ts';
import { parseJsonBody } from '../src/mock/api/json-body.ts';
import { MAX_RECORDS, MockState, type UploadHandleRecord } from '../src/mock/api/state.ts';
import { createUploadHandle } from '../src/mock/api/upload-handle.ts';
import { MockClock } from '../src/mock/clock.ts';
import type { ActiveFaults } from '../src/mock/faults.ts';
import { createStorage } from '../src/mock/storage/index.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../src/mock/storage/types.ts';
import { FixedKeyHmac, SigningKeyCache } from '../src/mock/storage/sigv4.ts';
import { validatorFor } from '../src/validation/index.ts';

/** µs per handle: each necessary step alone, and `total` (parse + createUploadHandle + answer, as the lean path runs them). */
export interface HandleWork {
  parse: number;
  validate: number;
  uuid: number;
  sign: number;
  seal: number;
  record: number;
  answer: number;
  total: number;
}

const NO_FAULTS: ActiveFaults = new Map();

function perCall(iterations: number, step: () => unknown): number {
  for (let i = 0; i < iterations / 10; i++) step(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) step();
  return Math.round((Number(process.hrtime.bigint() - t0) / 1e3 / iterations) * 1000) / 1000;
}

export async function timeHandleWork(requestBody: string, iterations: number): Promise<HandleWork> {
  const rootDir = await mkdtemp(join(tmpdir(), 'bench-handle-work-'));
  try {
    const clock = new MockClock();
    const ctx: ApiContext = {
      state: new MockState(),
      storage: createStorage({ rootDir, credentials: DEFAULT_STORAGE_CREDENTIALS, clock, faults: () => NO_FAULTS, baseUrl: () => 'http://127.0.0.1:4010', caps: {} }),
      clock,
      profile: {},
      codec: new HandleCodec(),
      uploadTtlMs: 600_000,
      faults: () => NO_FAULTS,
      keys: new Map(),
    };
    const sample = createUploadHandle(ctx, 'org', parseJsonBody(requestBody));
    const record = ctx.state.uploadHandles.values().next().value!;
    for (let i = 0; i < MAX_RECORDS; i++) ctx.state.uploadHandles.set(`fill-${i}`, record); // full, as after a long run
    const parsed = parseJsonBody(requestBody);
    const validate = validatorFor('file.createFileUploadHandle.request');
    const signer = new FixedKeyHmac(new SigningKeyCache().get(DEFAULT_STORAGE_CREDENTIALS.secretAccessKey, '20260101', DEFAULT_STORAGE_CREDENTIALS.region)); // as the presigner holds it
    const policy = sample.fields.Policy!;
    let n = 0;
    return {
      parse: perCall(iterations, () => parseJsonBody(requestBody)),
      validate: perCall(iterations, () => validate(parsed)),
      uuid: perCall(iterations, () => randomUUID()),
      sign: perCall(iterations, () => signer.hex(policy)),
      seal: perCall(iterations, () => ctx.codec.seal('FileUpload', randomUUID())),
      record: perCall(iterations, () => ctx.state.uploadHandles.set(`r-${n++}`, { ...record } as UploadHandleRecord)),
      answer: perCall(iterations, () => handleAnswerJson(sample)),
      total: perCall(iterations, () => handleAnswerJson(createUploadHandle(ctx, 'org', parseJsonBody(requestBody)))),
    };
  } finally {
    await rm(rootDir, { recursive: true, force: true });
  }
}
