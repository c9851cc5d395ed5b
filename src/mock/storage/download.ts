// Presigned downloads: `GET <baseUrl>/<bucket>/<key>?expires=<epoch ms>&sig=<hex>`. The signature is an
// HMAC over method, bucket, key and expiry with a key derived from the storage secret, so changing the
// key or widening the expiry invalidates it. (Not SigV4 query auth: nothing outside the harness needs
// to verify these URLs, and `sig` is redacted by src/config/redact.ts.) Bytes stream from disk.
import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StorageCredentials } from './types.ts';
import type { Clock } from '../clock.ts';
import type { ObjectStore } from './object-store.ts';
import { s3Errors } from './errors.ts';
import { hmacSha256, signaturesEqual } from './sigv4.ts';

/** Percent-encodes each path segment of a key (slashes stay readable). A key with a `.`/`..` segment
 * gets its slashes encoded too: WHATWG URL parsing resolves dot segments (even `%2E%2E`), which would
 * make clients request another key. */
export function encodeKeyPath(key: string): string {
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return encodeURIComponent(key);
  return segments.map(encodeURIComponent).join('/');
}

export class DownloadSigner {
  private readonly key: Buffer;
  constructor(private readonly credentials: StorageCredentials) {
    this.key = hmacSha256(`AWS4${credentials.secretAccessKey}`, 'upload-harness-download');
  }

  sign(key: string, expires: number): string {
    return hmacSha256(this.key, `GET\n${this.credentials.bucket}\n${key}\n${expires}`).toString('hex');
  }

  url(baseUrl: string, key: string, expires: number): string {
    const auth = `expires=${expires}&sig=${this.sign(key, expires)}`;
    // A key that is exactly `.` or `..` cannot be a path segment at all (URL parsers resolve it, encoded
    // or not), so it travels in the query instead.
    if (key === '.' || key === '..') return `${baseUrl}/${this.credentials.bucket}/?key=${encodeURIComponent(key)}&${auth}`;
    return `${baseUrl}/${this.credentials.bucket}/${encodeKeyPath(key)}?${auth}`;
  }
}

export interface DownloadContext {
  signer: DownloadSigner;
  store: ObjectStore;
  clock: Clock;
  bucket: string;
}

/** Parses `/<bucket>/<key>?query` from the raw URL (the key decoded once, exactly as encoded). */
function parseTarget(rawUrl: string, bucket: string): { key: string; query: URLSearchParams } | undefined {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const prefix = `/${bucket}/`;
  if (!path.startsWith(prefix)) return undefined;
  try {
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const key = path.length === prefix.length ? query.get('key') : decodeURIComponent(path.slice(prefix.length));
    return key === null ? undefined : { key, query };
  } catch {
    return undefined;
  }
}

export async function handleDownload(ctx: DownloadContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const target = parseTarget(request.raw.url ?? '', ctx.bucket);
  const expiresRaw = target?.query.get('expires');
  const sig = target?.query.get('sig');
  if (!target || !expiresRaw || !sig || !/^\d+$/.test(expiresRaw)) throw s3Errors.accessDenied();
  const expires = Number(expiresRaw);
  if (!signaturesEqual(ctx.signer.sign(target.key, expires), sig)) throw s3Errors.downloadSignatureMismatch();
  if (ctx.clock.now() > expires) throw s3Errors.requestExpired();
  const record = ctx.store.get(target.key);
  if (!record) throw s3Errors.noSuchKey(target.key);
  const { object } = record;
  reply
    .header('content-type', object.contentType)
    .header('content-length', object.size)
    .header('etag', `"${object.md5}"`)
    .header('last-modified', new Date(object.storedAt).toUTCString());
  return reply.send(createReadStream(record.path));
}
