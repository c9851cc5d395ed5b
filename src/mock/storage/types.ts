// The contract between the mock's API side (src/mock/api) and its S3 POST-policy storage emulator
// (src/mock/storage). The API side only presigns and looks objects up; everything S3 does lives behind
// this interface.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { ActiveFaults } from '../faults.ts';
import type { StorageCaps } from './object-store.ts';
import type { StorageCors } from './cors.ts';

export interface StorageCredentials {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Well-known emulator credentials, like an S3 emulator's test keys; documented in docs/mock.md. */
export const DEFAULT_STORAGE_CREDENTIALS: StorageCredentials = {
  bucket: 'ashby-mock-uploads',
  region: 'us-east-1',
  accessKeyId: 'AKIAMOCKHARNESS00001',
  secretAccessKey: 'mock/harness/secret/key/do-not-use-in-production',
};

export interface StorageOptions {
  /** Folder the objects are written to (created if missing). Nothing is ever written outside it. */
  rootDir: string;
  credentials: StorageCredentials;
  clock: Clock;
  /** Live view of the active faults (the test control may change them at run time). */
  faults: () => ActiveFaults;
  /** A successful POST's status when the form asks for none (a profile's choice; default 204). */
  successStatus?: 200 | 201 | 204;
  /** Base URL of the server once listening, e.g. http://127.0.0.1:4010 (storage routes hang below it). */
  baseUrl: () => string;
  /** Bounds on what is kept (defaults STORAGE_CAPS); the oldest objects are evicted beyond them. */
  caps?: Partial<StorageCaps>;
  /** The bucket's CORS rule (default DEFAULT_STORAGE_CORS: any origin). */
  cors?: StorageCors;
}

export interface PresignPostInput {
  key: string;
  contentType: string;
  contentLength: number;
  ttlMs: number;
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
  md5: string;
  contentType: string;
  storedAt: number;
}

export interface Storage {
  /** A SigV4 POST policy pinning key, Content-Type and content-length-range, byte-identical to
   * @aws-sdk/s3-presigned-post's output for the same inputs and time. */
  presignPost(input: PresignPostInput): PresignedPost;
  /** Metadata of a completely stored object, or undefined (never a partial one; none once evicted). */
  getObject(key: string): StoredObject | undefined;
  /** A presigned GET URL that returns the stored bytes until it expires. */
  presignGet(key: string, ttlMs: number): string;
  /** Registers the storage routes (POST upload, GET download) on the server. */
  register(app: FastifyInstance): Promise<void>;
  /** Every object kept now, oldest first (for tests and the reliability checks). */
  listObjects(): StoredObject[];
  /** Objects and bytes kept now, and how many objects were evicted by the caps so far. */
  usage(): { objects: number; bytes: number; evicted: number };
}
