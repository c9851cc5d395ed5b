// The mock's public surface: startMockServer() runs the API and the storage emulator on one Fastify
// instance (API routes `/<category>.<method>`, storage path-style under `/<bucket>`).
import Fastify, { type FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPLOAD_URL_TTL_SECONDS } from '../protocol/constants.ts';
import { MockClock } from './clock.ts';
import { type ActiveFaults, parseFaults } from './faults.ts';
import { createStorage } from './storage/index.ts';
import { DEFAULT_STORAGE_CREDENTIALS, type Storage } from './storage/types.ts';
import { HandleCodec } from './api/handle-codec.ts';
import { MockState } from './api/state.ts';
import { registerApi } from './api/routes.ts';
import type { ApiContext } from './api/context.ts';
import { registerControl } from './api/control.ts';
import { registerTransportFaults } from './api/transport-faults.ts';
import { DEFAULT_KEYS, type MockKey } from './api/keys.ts';
import { pipelineServerFactory, SERVER_LIMITS, type ServerLimits } from './http-server.ts';
import type { ClientRecordingHook } from './client-recording.ts';
import type { StorageCors } from './storage/cors.ts';
import { HarnessError } from '../config/errors.ts';
import { loadProfile, MOCK_PROFILE_KIND, parseProfileChoices, type MockProfile } from './profile.ts';

export { DEFAULT_KEYS, loadKeysFile, type MockKey } from './api/keys.ts';
export { DEFAULT_JOB_POSTING_ID } from './api/job-posting.ts';
export { SERVER_LIMITS, type ServerLimits } from './http-server.ts';
export { STORAGE_CAPS, type StorageCaps } from './storage/index.ts';
export { DEFAULT_STORAGE_CORS, parseStorageCors, type StorageCors } from './storage/cors.ts';

export interface MockServerOptions {
  host?: string;
  port?: number;
  uploadTtlMs?: number;
  faults?: string[];
  keys?: MockKey[];
  /** Where uploads are stored; default a new temp folder, removed again by close() (a given folder is kept). */
  storageDir?: string;
  /** The storage bucket's CORS rule (default DEFAULT_STORAGE_CORS: any origin; `{allowedOrigins: []}` is
   * S3's default, no CORS at all). */
  storageCors?: StorageCors;
  /** Most objects the storage emulator keeps (default STORAGE_CAPS.maxObjects, 10,000); oldest evicted. */
  storageMaxObjects?: number;
  /** Most bytes it keeps (default STORAGE_CAPS.maxBytes, 2 GiB); oldest evicted. */
  storageMaxBytes?: number;
  enableTestControl?: boolean;
  logger?: boolean;
  /** Slow-client limits (docs/decisions/0040-server-limits.md); each in ms, defaults SERVER_LIMITS. */
  limits?: Partial<ServerLimits>;
  /** Records every request for client verification (src/mock/client-recording.ts); off when absent. */
  recordClient?: ClientRecordingHook;
  /** Told every change of the active faults (setFaults, the control API), after it took effect. */
  onFaultsChange?: (specs: readonly string[]) => void;
  /** Answer like an observed target where the docs leave the behaviour open (src/mock/profile.ts): a
   * profile, or the path of a profile file, behaviour.json or conform results.json it is derived from. */
  profile?: MockProfile | string;
}

export interface MockServer {
  baseUrl: string;
  close(): Promise<void>;
  clock: MockClock;
  setFaults(specs: string[]): void;
  state: MockState;
  storage: Storage;
  keys: MockKey[];
  /** The profile the mock answers with, when it was given one (reports name it). */
  profile?: MockProfile;
}

// The mock's routes declare no Fastify schemas (bodies are checked with src/validation), so Fastify's
// default validator and serializer compilers (a second Ajv, fast-json-stringify; ~20 ms of every start)
// are loaded only if a route ever asks for one.
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
type CompilersFactory = { buildValidator: (...args: unknown[]) => unknown; buildSerializer: (...args: unknown[]) => unknown };
let defaultCompilers: CompilersFactory | undefined;
const defaults = (): CompilersFactory =>
  (defaultCompilers ??= {
    buildValidator: (requireFromFastify('@fastify/ajv-compiler') as () => CompilersFactory['buildValidator'])(),
    buildSerializer: (requireFromFastify('@fastify/fast-json-stringify-compiler') as () => CompilersFactory['buildSerializer'])(),
  });
const LAZY_SCHEMA_COMPILERS = {
  compilersFactory: {
    buildValidator: (...args: unknown[]) => defaults().buildValidator(...args),
    buildSerializer: (...args: unknown[]) => defaults().buildSerializer(...args),
  },
} as unknown as NonNullable<Parameters<typeof Fastify>[0]>['schemaController'];

/** A listen() failure as a configuration error (busy port, unknown host), with what to do about it. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new HarnessError('port-in-use', `port ${port} on ${host} is already in use`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new HarnessError('host-not-found', `host "${host}" cannot be resolved`);
  if (code === 'EADDRNOTAVAIL') return new HarnessError('host-not-local', `address ${host} is not an address of this machine`);
  if (code === 'EACCES') return new HarnessError('port-not-allowed', `not allowed to listen on port ${port}`);
  return err;
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const keys = options.keys ?? DEFAULT_KEYS;
  let faults: ActiveFaults = parseFaults(options.faults ?? []);
  // A profile given in code is held to the file format's rules too (no unknown choice slips in).
  const given = options.profile;
  const profile = typeof given === 'string' ? loadProfile(given) : given && { name: given.name, choices: parseProfileChoices({ kind: MOCK_PROFILE_KIND, choices: given.choices }, `profile ${given.name}`) };
  const clock = new MockClock();
  const state = new MockState();
  // A folder the mock made is the mock's to remove (on close, and when start-up fails); a given one is the caller's.
  const ownDir = options.storageDir === undefined ? await mkdtemp(join(tmpdir(), 'upload-harness-mock-')) : undefined;
  const removeOwnDir = async (): Promise<void> => {
    if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
  };
  const rootDir = ownDir ?? options.storageDir!;
  let baseUrl = '';
  const caps = { maxObjects: options.storageMaxObjects, maxBytes: options.storageMaxBytes };
  let app: FastifyInstance | undefined;
  try {
    const storage = createStorage({ rootDir, credentials: DEFAULT_STORAGE_CREDENTIALS, clock, faults: () => faults, baseUrl: () => baseUrl, caps, ...(profile?.choices.storageSuccessStatus ? { successStatus: profile.choices.storageSuccessStatus } : {}), ...(options.storageCors ? { cors: options.storageCors } : {}) });
    const limits = { ...SERVER_LIMITS, ...options.limits };
    const api: ApiContext = {
      state,
      storage,
      clock,
      codec: new HandleCodec(),
      uploadTtlMs: options.uploadTtlMs ?? UPLOAD_URL_TTL_SECONDS * 1000,
      faults: () => faults,
      keys: new Map(keys.map((k) => [k.key, k])),
      profile: profile?.choices ?? {},
    };
    // One request pipeline (http-server.ts): our server, handed to Fastify, with the client recorder's
    // stage (when recording) in front of Fastify's routing; every request, the handle route's included,
    // takes the same way.
    // close() ends every open connection at once: a test double must stop when asked, even while a client
    // holds a keep-alive socket or an unread download (otherwise it waits out the 30 s idle limit).
    const recorder = options.recordClient;
    const serverFactory = pipelineServerFactory(limits, recorder ? { classes: recorder.serverClasses, hook: recorder.requestHook(clock) } : {});
    app = Fastify({ logger: options.logger ?? false, serverFactory, forceCloseConnections: true, schemaController: LAZY_SCHEMA_COMPILERS });
    const setFaults = (specs: string[]): void => {
      faults = parseFaults(specs); // throws before replacing, so a bad spec leaves the old faults active
      options.onFaultsChange?.([...specs]);
    };
    registerTransportFaults(app, () => faults, DEFAULT_STORAGE_CREDENTIALS.bucket);
    await registerApi(app, api);
    await storage.register(app);
    if (options.enableTestControl) await registerControl(app, { clock, state, setFaults });
    const port = options.port ?? 0;
    await app.listen({ host, port }).catch((err: unknown) => {
      throw listenError(err, host, port);
    });
    const bound = (app.server.address() as { port: number }).port;
    baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    const server = app;
    return {
      baseUrl,
      close: async () => {
        await server.close();
        await removeOwnDir();
      },
      clock,
      setFaults,
      state,
      storage,
      keys,
      ...(profile ? { profile } : {}),
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await removeOwnDir();
    throw err;
  }
}
