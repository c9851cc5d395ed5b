// Fuzzes the storage emulator's POST Object: arbitrary multipart (broken boundaries, duplicate fields,
// enormous values, missing/extra parts, `file` anywhere), keys and filenames with traversal, absolute
// paths, NUL and CRLF, and arbitrary policies validly signed with the emulator's credentials. Rejections
// must be S3-shaped XML (< 500) and store nothing; afterwards the storage root holds only
// objects/<sha256>-<rand> files and an empty tmp/, and nothing was written next to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request } from 'undici';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { DEFAULT_STORAGE_CREDENTIALS as C } from '../../src/mock/storage/types.ts';
import { amzDate, iso8601Seconds, SigningKeyCache, signString } from '../../src/mock/storage/sigv4.ts';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './budget.ts';
import { FULL_ACCESS } from '../support/auth.ts';

let s: MockServer;
let parent: string;
let root: string;
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'uh-fuzz-storage-'));
  root = join(parent, 'root');
  await mkdir(root);
  s = await startMockServer({ storageDir: root });
});
afterAll(async () => {
  await s.close();
  await rm(parent, { recursive: true, force: true });
});

const nasty = fc.oneof(
  fc.constantFrom('../../etc/passwd', '/etc/passwd', '..\\..\\x', 'a\u0000b', 'a\r\nX-Injected: 1', '${filename}', 'up/${filename}', '.', '..', '', '%2e%2e/x', 'C:\\x', '//server/share', 'a/../../b'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

type Part = { name: string; value: string; filename?: string };
const CRLF = '\r\n';

function signedFields(key: string, policyJson: string) {
  const now = Date.now();
  const date = amzDate(now);
  const credential = `${C.accessKeyId}/${date.slice(0, 8)}/${C.region}/s3/aws4_request`;
  const policy = Buffer.from(policyJson.split('@@CRED@@').join(credential).split('@@DATE@@').join(date), 'utf8').toString('base64');
  const sig = signString(new SigningKeyCache().get(C.secretAccessKey, date.slice(0, 8), C.region), policy);
  return { key, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': credential, 'X-Amz-Date': date, Policy: policy, 'X-Amz-Signature': sig } as Record<string, string>;
}

const validPolicy = (key: string, max: number) =>
  JSON.stringify({ expiration: iso8601Seconds(Date.now() + 600_000), conditions: [['content-length-range', 0, max], { bucket: C.bucket }, { key }, { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' }, { 'X-Amz-Credential': '@@CRED@@' }, { 'X-Amz-Date': '@@DATE@@' }] });

const policyText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.record({ expiration: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.anything()), conditions: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.anything()) }).map((v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? 1 : x)) ?? '{}'),
  fc.string({ maxLength: 200 }),
);

const wild = fc.record({
  key: nasty,
  filename: fc.option(nasty, { nil: undefined }),
  policyKind: fc.constantFrom('valid', 'arbitrary', 'unsigned-garbage'),
  arbitraryPolicy: policyText,
  extra: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('key', 'Policy', 'X-Amz-Signature', 'Content-Type', 'file', 'success_action_status', 'bucket'), fc.string({ maxLength: 20 })), value: fc.oneof(fc.string({ maxLength: 50 }), fc.integer({ min: 0, max: 30_000 }).map((n) => 'v'.repeat(n))) }), { maxLength: 4 }),
  drop: fc.array(fc.constantFrom<string>('key', 'Policy', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Algorithm', 'file'), { maxLength: 2 }),
  filePos: fc.nat({ max: 12 }),
  fileBytes: fc.uint8Array({ maxLength: 2048 }),
  boundary: fc.constantFrom('good', 'missing', 'wrong', 'truncated', 'no-close', 'garbage'),
  contentType: fc.constantFrom('multipart/form-data', 'text/plain', 'none', 'multipart/form-data; boundary='),
});
/** Well-formed, validly signed uploads with nasty keys/filenames: these should mostly be stored. */
const clean = fc.record({ key: nasty, filename: fc.option(nasty, { nil: undefined }), fileBytes: fc.uint8Array({ maxLength: 2048 }) }).map((c) => ({
  ...c, policyKind: 'valid' as const, arbitraryPolicy: '', extra: [] as Part[], drop: [] as string[], filePos: 99, boundary: 'good' as const, contentType: 'multipart/form-data' as const,
}));
const scenario = fc.oneof({ arbitrary: wild, weight: 3 }, { arbitrary: clean, weight: 2 });

type Wild = typeof wild extends fc.Arbitrary<infer T> ? T : never;
function build(sc: Wild): { body: Buffer; contentType?: string } {
  const fields =
    sc.policyKind === 'valid' ? signedFields(sc.key, validPolicy(sc.key, 4096)) : sc.policyKind === 'arbitrary' ? signedFields(sc.key, sc.arbitraryPolicy) : { key: sc.key, Policy: Buffer.from(sc.arbitraryPolicy).toString('base64'), 'X-Amz-Signature': '00' };
  const parts: Part[] = Object.entries(fields).filter(([n]) => !sc.drop.includes(n)).map(([name, value]) => ({ name, value }));
  parts.push(...sc.extra);
  if (!sc.drop.includes('file')) parts.splice(Math.min(sc.filePos, parts.length), 0, { name: 'file', value: Buffer.from(sc.fileBytes).toString('latin1'), filename: sc.filename ?? 'f.bin' });
  const b = 'fuzzBoundary' + Math.random().toString(16).slice(2);
  const esc = (x: string) => x.replace(/"/g, '%22').replace(/[\r\n]/g, (m) => (sc.key.length % 2 ? m : '%0D'));
  let text = '';
  for (const p of parts) {
    text += `--${b}${CRLF}Content-Disposition: form-data; name="${esc(p.name)}"${p.filename !== undefined ? `; filename="${esc(p.filename)}"` : ''}${CRLF}${CRLF}${p.value}${CRLF}`;
  }
  text += sc.boundary === 'no-close' ? '' : `--${b}--${CRLF}`;
  let body = Buffer.from(text, 'latin1');
  if (sc.boundary === 'truncated') body = body.subarray(0, Math.floor(body.length / 2));
  if (sc.boundary === 'garbage') body = Buffer.concat([Buffer.from('garbage\r\n'), body]);
  const bound = sc.boundary === 'missing' ? '' : sc.boundary === 'wrong' ? '; boundary=other' : `; boundary=${b}`;
  const contentType = sc.contentType === 'none' ? undefined : sc.contentType === 'multipart/form-data' ? `multipart/form-data${bound}` : sc.contentType;
  return { body, contentType };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...(await walk(p)));
  }
  return out;
}

describe('fuzz: storage POST', () => {
  it('rejects with S3 XML, stores nothing on rejection, never writes outside the root', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const before = s.storage.listObjects().length;
        const { body, contentType } = build(sc);
        const res = await request(`${s.baseUrl}/${C.bucket}`, { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, body, headersTimeout: 10_000, bodyTimeout: 10_000 }).catch((e: Error) => e);
        if (res instanceof Error) {
          // The server may close the connection on a rejected, unread body; that is not a 5xx.
          expect(s.storage.listObjects().length).toBe(before);
          rejected++;
          return;
        }
        const text = await res.body.text();
        expect(res.statusCode, text).toBeLessThan(500);
        if (res.statusCode >= 300) {
          rejected++;
          expect(text).toMatch(/^<\?xml[^>]*\?>\s*<Error><Code>[A-Za-z]+<\/Code>/);
          expect(s.storage.listObjects().length).toBe(before);
        } else {
          accepted++;
          const after = s.storage.listObjects();
          expect(after.some((o) => o.size === sc.fileBytes.length)).toBe(true);
        }
      }),
      fuzzParams('storage POST'),
    );
    console.log(`[fuzz] storage POST: ${accepted + rejected} cases, ${accepted} accepted, ${rejected} rejected`);
    expect(accepted + rejected).toBe(FUZZ_RUNS);
    // Only the storage root exists next to where we started, and inside it only the expected layout.
    expect(await readdir(parent)).toEqual(['root']);
    const files = await walk(root);
    for (const f of files) expect(f).toMatch(new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(objects|tmp)(/[0-9a-f]{64}-[0-9a-f]{12})?$`));
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(files.filter((f) => f.includes('/objects/')).length).toBe(s.storage.listObjects().length);
    const ok = await fetch(`${s.baseUrl}/apiKey.info`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
  }, FUZZ_TIMEOUT_MS);
});
