// Shared set-up for the storage emulator tests (not a test file itself): a bare Fastify with only the
// storage plugin on 127.0.0.1:0, a movable clock, live faults, SDK-signed policies and a form poster.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { createStorage } from '../../src/mock/storage/index.ts';
import { DEFAULT_STORAGE_CREDENTIALS, type Storage, type StorageCredentials } from '../../src/mock/storage/types.ts';
import { MockClock } from '../../src/mock/clock.ts';
import type { FaultName } from '../../src/mock/faults.ts';
import { encodeMultipart, type FormFields } from '../../src/protocol/multipart.ts';
import { amzDate, deriveSigningKey, signString } from '../../src/mock/storage/sigv4.ts';

export interface StorageServer {
  app: FastifyInstance;
  storage: Storage;
  baseUrl: string;
  bucketUrl: string;
  clock: MockClock;
  faults: Map<FaultName, number>;
  rootDir: string;
  credentials: StorageCredentials;
  close(): Promise<void>;
}

export async function startStorage(credentials: StorageCredentials = DEFAULT_STORAGE_CREDENTIALS): Promise<StorageServer> {
  const rootDir = await mkdtemp(join(tmpdir(), 'storage-test-'));
  const clock = new MockClock();
  const faults = new Map<FaultName, number>();
  let baseUrl = '';
  // forceCloseConnections: app.close() otherwise can wait for a keep-alive socket whose streamed
  // download finished just after the close began (Fastify's default only closes idle sockets once).
  const app = Fastify({ forceCloseConnections: true });
  const storage = createStorage({ rootDir, credentials, clock, faults: () => faults, baseUrl: () => baseUrl });
  await storage.register(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = address.replace('localhost', '127.0.0.1');
  return {
    app,
    storage,
    baseUrl,
    bucketUrl: `${baseUrl}/${credentials.bucket}`,
    clock,
    faults,
    rootDir,
    credentials,
    async close() {
      await app.close();
      await rm(rootDir, { recursive: true, force: true });
    },
  };
}

function sdkClient(server: StorageServer, credentials: StorageCredentials = server.credentials): S3Client {
  return new S3Client({
    region: credentials.region,
    endpoint: server.baseUrl,
    forcePathStyle: true,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  });
}

/** A policy signed by the AWS SDK (so the emulator is checked against AWS's own generator). */
export async function sdkPost(
  server: StorageServer,
  options: Omit<PresignedPostOptions, 'Bucket'> & { Bucket?: string },
  credentials?: StorageCredentials,
): Promise<{ url: string; fields: Record<string, string> }> {
  return createPresignedPost(sdkClient(server, credentials), { Bucket: server.credentials.bucket, ...options });
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function postForm(
  url: string,
  fields: FormFields,
  bytes: Uint8Array | string,
  file: { filename?: string; contentType?: string } = {},
): Promise<PostResult> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const form = encodeMultipart(fields, { filename: file.filename ?? 'upload.bin', contentType: file.contentType ?? 'application/octet-stream' }, data);
  return send(url, form.body, form.contentType);
}

export async function send(url: string, body: Uint8Array | string, contentType: string | undefined, extraHeaders: Record<string, string> = {}): Promise<PostResult> {
  const headers: Record<string, string> = { ...extraHeaders };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const res = await request(url, { method: 'POST', body, headers });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

export async function get(url: string): Promise<PostResult & { bytes: Buffer }> {
  const res = await request(url);
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes };
}

/** Code, Message and extra elements of an S3 error body. */
export function parseError(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return out;
}

/** Every file under rootDir (objects and temp files), to prove nothing was written or leaked. */
export async function filesUnder(rootDir: string): Promise<string[]> {
  const entries = await readdir(rootDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Signs an arbitrary policy text with the server's credentials (for documents the SDK cannot make). */
export function handSigned(server: StorageServer, policyJson: string, formFields: Record<string, string> = {}): Record<string, string> {
  const date = amzDate(server.clock.now());
  const { accessKeyId, secretAccessKey, region } = server.credentials;
  const policy = Buffer.from(policyJson, 'utf8').toString('base64');
  return {
    ...formFields,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${accessKeyId}/${date.slice(0, 8)}/${region}/s3/aws4_request`,
    'X-Amz-Date': date,
    Policy: policy,
    'X-Amz-Signature': signString(deriveSigningKey(secretAccessKey, date.slice(0, 8), region, 's3'), policy),
  };
}

/** The auth conditions a hand-written policy needs to cover its own auth fields. */
export const AUTH_CONDITIONS = '["starts-with", "$x-amz-algorithm", ""], ["starts-with", "$x-amz-credential", ""], ["starts-with", "$x-amz-date", ""]';

export function futureIso(server: StorageServer, ms = 600_000): string {
  return new Date(server.clock.now() + ms).toISOString();
}
