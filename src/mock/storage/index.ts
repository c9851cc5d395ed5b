// The S3 POST-policy storage emulator: createStorage(options) → Storage (see types.ts).
// URL shapes (path-style, below options.baseUrl()):
//   POST <baseUrl>/<bucket>                         browser POST upload (presignPost's `url`)
//   GET  <baseUrl>/<bucket>/<key>?expires=…&sig=…   presigned download (presignGet)
//   OPTIONS <baseUrl>/<bucket>[/<key>]             CORS preflight, by the bucket's CORS rule (cors.ts)
// The API's routes are `/<category>.<method>` (a dot, no slash) and bucket names have no dot, so the
// two never clash. The routes live in an encapsulated plugin whose only content-type parser passes
// the raw stream through for ANY type: non-multipart bodies reach the handler (412), and the API
// side's JSON parser on the parent instance is untouched.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PresignPostInput, Storage, StorageOptions, StoredObject } from './types.ts';
import { errorXml, S3Error } from './errors.ts';
import { ObjectStore, STORAGE_CAPS, type StorageCaps } from './object-store.ts';
import { PostPresigner } from './presign-post.ts';
import { handlePost } from './post-object.ts';
import { DownloadSigner, handleDownload } from './download.ts';
import { SigningKeyCache } from './sigv4.ts';
import { DEFAULT_STORAGE_CORS, registerCors } from './cors.ts';

export type { Storage, StorageOptions } from './types.ts';
export { STORAGE_CAPS, type StorageCaps } from './object-store.ts';

function sendS3Error(error: FastifyError | S3Error | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof S3Error) {
    void reply.code(error.status).header('content-type', 'application/xml').send(errorXml(error));
    return;
  }
  // Not an S3 rejection: the client went away mid-upload (routine under load), or a bug.
  if (request.raw.destroyed) reply.log.info({ err: error }, 'storage request aborted by the client');
  else reply.log.error({ err: error }, 'storage request failed');
  void reply
    .code(500)
    .header('content-type', 'application/xml')
    .send(errorXml(new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.')));
}

function checkedCaps(caps: StorageCaps): StorageCaps {
  for (const [name, value] of Object.entries(caps)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`storage cap ${name} must be a whole number ≥ 1, got ${value}`);
  }
  return caps;
}

export function createStorage(options: StorageOptions): Storage {
  const { credentials, clock } = options;
  if (credentials.bucket.includes('.') || credentials.bucket.includes('/')) {
    throw new Error(`storage bucket name must not contain "." or "/": ${credentials.bucket}`);
  }
  const keys = new SigningKeyCache();
  const store = new ObjectStore(options.rootDir, checkedCaps({ maxObjects: options.caps?.maxObjects ?? STORAGE_CAPS.maxObjects, maxBytes: options.caps?.maxBytes ?? STORAGE_CAPS.maxBytes }));
  const signer = new DownloadSigner(credentials);
  const presigner = new PostPresigner(credentials, keys);
  const bucketUrl = (): string => `${options.baseUrl()}/${credentials.bucket}`;

  return {
    presignPost(input: PresignPostInput) {
      return presigner.presign(input, bucketUrl(), clock.now());
    },
    getObject(key: string): StoredObject | undefined {
      return store.get(key)?.object;
    },
    presignGet(key: string, ttlMs: number): string {
      return signer.url(options.baseUrl(), key, clock.now() + ttlMs);
    },
    listObjects(): StoredObject[] {
      return store.list();
    },
    usage() {
      return store.usage();
    },
    async register(app: FastifyInstance): Promise<void> {
      await store.init();
      const postContext = { credentials, keys, store, clock, faults: options.faults, baseUrl: options.baseUrl, successStatus: options.successStatus ?? 204 };
      const downloadContext = { signer, store, clock, bucket: credentials.bucket };
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        // Leave the body unread: the handlers stream request.raw themselves.
        scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
        scope.setErrorHandler(sendS3Error);
        registerCors(scope, options.cors ?? DEFAULT_STORAGE_CORS, credentials.bucket);
        // The store's hash worker ends with the server (it is unref'd, but a closed mock leaves nothing).
        scope.addHook('onClose', () => store.close());
        const upload = (request: FastifyRequest, reply: FastifyReply) => handlePost(postContext, request, reply);
        scope.post(`/${credentials.bucket}`, upload);
        scope.post(`/${credentials.bucket}/`, upload);
        scope.get(`/${credentials.bucket}/*`, (request, reply) => handleDownload(downloadContext, request, reply));
      });
    },
  };
}
