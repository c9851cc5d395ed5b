// A mock profiled from a second implementation (test/fixtures/second-target.ts) shows no drift against
// it: drift lists the K open differences switched on; the mock given that target's behaviour record as
// its profile then lists none. And a profile can set open choices only: unknown keys are refused, and
// no profile relaxes a documented rule (an expired policy, a wrong signature).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftDifferences } from '../src/behaviour/drift.ts';
import { behaviourRecord } from '../src/behaviour/record.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { startMockTarget } from '../src/conformance/mock-target.ts';
import { runConformance } from '../src/conformance/runner.ts';
import type { TargetConfig } from '../src/conformance/target.ts';
import { startMockServer } from '../src/mock/index.ts';
import { loadProfile, MOCK_PROFILE_KIND, profileChoicesFromRecord, type MockProfile } from '../src/mock/profile.ts';
import type { BehaviourRecord } from '../src/results/index.ts';
import { startSecondTarget, type Difference, type SecondTarget } from './fixtures/second-target.ts';
import { refusal } from './fixtures/usage-refusal.ts';
import { mockOptionsFromArgs } from '../src/cli/mock.ts';
import { parseVerifyClientArgs } from '../src/cli/verify-client.ts';
import { renderClientHtml } from '../src/report/client-html.ts';
import { startVerifySession } from '../src/verify/session.ts';

// The second target's own codes (not the mock's: no mock registry entry has them).
const TOO_SMALL = 'file_too_small';
const INVALID_FILE_HANDLE = 'invalid_file_handle';

const GROUPS = ['validation', 'lifecycle', 'contexts', 'envelope'] as const;
/** Every open difference of the second target (slow-handle is latency, which a profile does not set). */
const OPEN: Difference[] = ['extra-field-refused', 'zero-byte-refused', 'handle-reuse-accepted', 'handle-extra-member', 'storage-201', 'unknown-handle-code'];

const record = async (target: TargetConfig, profile?: string): Promise<BehaviourRecord> =>
  behaviourRecord(await runConformance({ target, strict: false, only: [...GROUPS], deviations: loadDeviations(target.name), progress: { write: () => true }, maxWorkers: 1 }), profile);

describe('a mock profiled from a second implementation', () => {
  let second: SecondTarget;
  let dir: string;
  beforeAll(async () => {
    second = await startSecondTarget();
    dir = await mkdtemp(join(tmpdir(), 'profile-test-'));
  });
  afterAll(async () => {
    await second?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drift lists the K open differences; against the mock profiled from that target, none', async () => {
    second.set(OPEN);
    const onTarget = await record(second.target);
    const plain = await startMockTarget({ timeoutMs: 10_000 });
    let before;
    try {
      before = driftDifferences(await record(plain.target), onTarget);
    } finally {
      await plain.close();
    }
    expect(before.length).toBe(OPEN.length);
    const file = join(dir, 'behaviour.json');
    await writeFile(file, JSON.stringify(onTarget));
    const profiled = await startMockTarget({ timeoutMs: 10_000, profile: file });
    try {
      expect(profiled.profile?.name).toBe('behaviour.json');
      const mockRecord = await record(profiled.target, profiled.profile?.name);
      expect(mockRecord.target.profile).toBe('behaviour.json');
      expect(driftDifferences(mockRecord, onTarget)).toEqual([]);
    } finally {
      await profiled.close();
    }
  }, 600_000);

  it('the choices derived are the ones the target made (and none when it made the defaults)', async () => {
    second.set(OPEN);
    const choices = profileChoicesFromRecord(await record(second.target));
    expect(choices).toMatchObject({
      extraHandleField: { status: 200, code: 'invalid_input', message: 'Unknown field in request' },
      zeroByte: { code: TOO_SMALL, message: 'The file is empty' },
      handleReuse: 'accept',
      unknownHandle: { code: INVALID_FILE_HANDLE },
      handleExtraMembers: { expiresInSeconds: 'number' },
      storageSuccessStatus: 201,
    });
    second.set([]);
    const defaults = profileChoicesFromRecord(await record(second.target));
    expect(defaults.extraHandleField).toBe('ignore');
    expect(defaults.zeroByte).toBe('accept');
    expect(defaults.handleExtraMembers).toBeUndefined();
    expect(defaults.storageSuccessStatus).toBe(204);
  }, 600_000);
});

describe('a profile sets open choices only', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'profile-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const profileFile = async (value: unknown) => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(value));
    return file;
  };

  it('refuses unknown keys, naming them and the choices a profile has', async () => {
    const msg = await refusal(async () => loadProfile(await profileFile({ kind: MOCK_PROFILE_KIND, choices: { acceptExpiredPolicy: true } })));
    expect(msg).toContain('unknown profile choice "acceptExpiredPolicy"');
    expect(await refusal(async () => loadProfile(await profileFile({ kind: MOCK_PROFILE_KIND, choices: {}, skipSignatureCheck: true })))).toContain('unknown key "skipSignatureCheck"');
    expect(await refusal(async () => loadProfile(await profileFile({ kind: MOCK_PROFILE_KIND, choices: { zeroByte: { code: 'x', message: 'm', status: 200, extra: 1 } } })))).toContain('unknown key "extra"');
    expect(await refusal(async () => loadProfile(await profileFile({ kind: MOCK_PROFILE_KIND, choices: { storageSuccessStatus: 500 } })))).toContain('expected 200, 201 or 204');
    expect(await refusal(() => startMockServer({ port: 0, profile: { name: 'code', choices: { noExpiryCheck: true } as never } }))).toContain('unknown profile choice "noExpiryCheck"');
  });

  it('every choice set, the mock still refuses an expired policy and a wrong signature', async () => {
    const profile: MockProfile = {
      name: 'lenient-as-can-be',
      choices: { extraHandleField: 'ignore', zeroByte: 'accept', handleReuse: 'accept', handleExtraMembers: { expiresInSeconds: 'number' }, storageSuccessStatus: 201 },
    };
    const server = await startMockServer({ port: 0, profile });
    try {
      const key = server.keys.find((k) => k.permissions.includes('candidatesWrite'))!.key;
      const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      const handle = async () => {
        const res = await fetch(`${server.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ fileUploadContext: 'CandidateFiles', filename: 'a.txt', contentType: 'text/plain', contentLength: 1 }) });
        return ((await res.json()) as { results: { url: string; fields: Record<string, string>; expiresInSeconds: number } }).results;
      };
      const post = async (h: { url: string; fields: Record<string, string> }, fields: Record<string, string>) => {
        const form = new FormData();
        for (const [k, v] of Object.entries({ ...h.fields, ...fields })) form.append(k, v);
        form.append('file', new Blob(['x'], { type: 'text/plain' }), 'a.txt');
        const res = await fetch(h.url, { method: 'POST', body: form });
        return { status: res.status, text: await res.text() };
      };
      const ok = await handle();
      expect(ok.expiresInSeconds).toBe(0);
      expect((await post(ok, {})).status).toBe(201);
      const forged = await post(await handle(), { 'X-Amz-Signature': '0'.repeat(64) });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('SignatureDoesNotMatch');
      const late = await handle();
      server.clock.advance(11 * 60_000);
      const expired = await post(late, {});
      expect(expired.status).toBe(403);
      expect(expired.text).toContain('expired');
    } finally {
      await server.close();
    }
  });
});

describe('the profile is named in the reports of a run on a profiled mock', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'profile-named-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('mock and verify-client read --profile FILE (refusing a bad one); the client report names it', async () => {
    const file = join(dir, 'acme-api.json');
    await writeFile(file, JSON.stringify({ kind: MOCK_PROFILE_KIND, choices: { zeroByte: { status: 200, code: TOO_SMALL, message: 'empty' } } }));
    expect(mockOptionsFromArgs(['--profile', file]).options.profile).toEqual({ name: 'acme-api.json', choices: { zeroByte: { status: 200, code: TOO_SMALL, message: 'empty' } } });
    expect(parseVerifyClientArgs(['--profile', file, '--', 'true']).profile?.name).toBe('acme-api.json');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ kind: MOCK_PROFILE_KIND, choices: { noSizeCheck: true } }));
    expect(await refusal(() => mockOptionsFromArgs(['--profile', bad]))).toContain('unknown profile choice "noSizeCheck"');
    expect(await refusal(() => parseVerifyClientArgs(['--profile', bad, '--', 'true']))).toContain('unknown profile choice "noSizeCheck"');

    const session = await startVerifySession({ mock: { profile: file } });
    let results;
    try {
      results = session.judge({});
    } finally {
      await session.close();
    }
    expect(results.profile).toBe('acme-api.json');
    expect(renderClientHtml(results)).toContain('mock profile acme-api.json');
    const plain = await startVerifySession();
    try {
      expect(plain.judge({}).profile).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
