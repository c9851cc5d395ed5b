// A client-verification session: the mock on loopback with the recorder (and, for a robustness case,
// that case's one fault) in front of it, a candidate created for the run, and the environment the
// client under test receives. One session is one run of the client; `verify-client` opens one for the
// clean run and one per robustness case (src/verify/verification.ts); `mock --client-report` and the
// tests use it directly.
import { DEFAULT_JOB_POSTING_ID, DEFAULT_KEYS, startMockServer, type MockServer, type MockServerOptions } from '../mock/index.ts';
import { DEFAULT_STORAGE_CORS, type StorageCors } from '../mock/storage/cors.ts';
import { DEFAULT_STORAGE_CREDENTIALS } from '../mock/storage/types.ts';
import { UPLOAD_URL_TTL_SECONDS } from '../protocol/constants.ts';
import type { ClientResults } from '../results/client.ts';
import { HarnessError } from '../config/errors.ts';
import { isSecretName } from '../config/redact.ts';
import { judgeClient, judgeRun, type JudgedCase, type JudgeOptions } from './judge.ts';
import { ClientRecorder } from './recorder.ts';
import { judgeCase, RobustnessInjector, type RobustnessFault } from './robustness.ts';

/** The environment variables a client under test receives (and `--print-env` prints). */
const CLIENT_ENV = ['ASHBY_BASE_URL', 'ASHBY_API_KEY', 'ASHBY_LIMITED_API_KEY', 'ASHBY_JOB_POSTING_ID', 'ASHBY_CANDIDATE_ID'] as const;
export type ClientEnv = Record<(typeof CLIENT_ENV)[number], string>;

export interface VerifySessionOptions {
  host?: string;
  port?: number;
  /** A robustness case: the one fault injected in this run. */
  fault?: RobustnessFault;
  uploadTtlMs?: number;
  /** The storage bucket's CORS rule (default: any origin). */
  storageCors?: StorageCors;
  /** Extra mock options (storage dir, faults, keys) for `mock --client-report`. */
  mock?: MockServerOptions;
}

export interface VerifySession {
  server: MockServer;
  recorder: ClientRecorder;
  env: ClientEnv;
  startedAt: Date;
  /** The run's known secrets: the keys handed to the client and every secret field issued to it. */
  secrets(): string[];
  /** Judges everything recorded so far as a clean run (`secrets`: more known secrets, e.g. of the cases' runs). */
  judge(options?: Omit<JudgeOptions, 'startedAt' | 'droppedRequests' | 'cors'>): ClientResults;
  /** Judges everything recorded so far as the robustness case of this session's fault. */
  judgeCase(options: { strict: boolean; command?: { exitCode: number | null; signal?: string } }): JudgedCase;
  close(): Promise<void>;
}

const FULL = DEFAULT_KEYS[0]!.key;
const LIMITED = DEFAULT_KEYS[1]!.key;

const basic = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** Creates the candidate the client under test attaches its files to (candidate.create). */
async function createRunCandidate(baseUrl: string, key: string): Promise<string> {
  const res = await fetch(`${baseUrl}/candidate.create`, {
    method: 'POST',
    headers: { authorization: basic(key), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'verify-client candidate' }),
  });
  const json = (await res.json()) as { success?: boolean; results?: { id?: string } };
  if (!json.success || !json.results?.id) throw new Error(`candidate.create answered ${res.status}`);
  return json.results.id;
}

/** The variables as `export NAME=value` lines (values are test keys of the mock, not secrets). */
export function formatClientEnv(env: ClientEnv): string {
  return CLIENT_ENV.map((name) => `export ${name}=${env[name]}`).join('\n');
}

/** The environment for a mock that is already running (`verify-client --print-env`). */
export async function clientEnvFor(baseUrl: string): Promise<ClientEnv> {
  return { ASHBY_BASE_URL: baseUrl, ASHBY_API_KEY: FULL, ASHBY_LIMITED_API_KEY: LIMITED, ASHBY_JOB_POSTING_ID: DEFAULT_JOB_POSTING_ID, ASHBY_CANDIDATE_ID: await createRunCandidate(baseUrl, FULL) };
}

export async function startVerifySession(options: VerifySessionOptions = {}): Promise<VerifySession> {
  const recorder = new ClientRecorder(DEFAULT_STORAGE_CREDENTIALS.bucket);
  recorder.active = false; // the harness's own set-up call is not the client's
  const uploadTtlMs = options.uploadTtlMs ?? options.mock?.uploadTtlMs ?? UPLOAD_URL_TTL_SECONDS * 1000;
  const cors = options.storageCors ?? options.mock?.storageCors ?? DEFAULT_STORAGE_CORS;
  const server = await startMockServer({ ...options.mock, host: options.host ?? options.mock?.host ?? '127.0.0.1', port: options.port ?? options.mock?.port ?? 0, uploadTtlMs, storageCors: cors, recordClient: recorder });
  const keys = server.keys;
  const fullKey = keys.find((k) => k.key === FULL)?.key ?? keys[0]!.key;
  const limitedKey = keys.find((k) => k.key === LIMITED)?.key ?? fullKey;
  let candidateId: string;
  try {
    candidateId = await createRunCandidate(server.baseUrl, fullKey);
  } catch (err) {
    await server.close();
    throw new HarnessError('mock-start', `the mock did not come up: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    recorder.active = true;
  }
  const fault = options.fault;
  const injector = fault ? new RobustnessInjector(fault, server.clock, uploadTtlMs, DEFAULT_STORAGE_CREDENTIALS.bucket, cors) : undefined;
  if (injector) recorder.interceptor = injector.intercept;
  const startedAt = new Date();
  const env: ClientEnv = { ASHBY_BASE_URL: server.baseUrl, ASHBY_API_KEY: fullKey, ASHBY_LIMITED_API_KEY: limitedKey, ASHBY_JOB_POSTING_ID: DEFAULT_JOB_POSTING_ID, ASHBY_CANDIDATE_ID: candidateId };
  const secrets = (): string[] => {
    const issued = judgeRun(recorder.requests, { cors }).grouped.flows.flatMap((f) => Object.entries(f.issued?.fields ?? {}).filter(([k]) => isSecretName(k)).map(([, v]) => v));
    return [...new Set([...keys.map((k) => k.key), ...issued])];
  };
  return {
    server,
    recorder,
    env,
    startedAt,
    secrets,
    judge: (judgeOptions = {}) => judgeClient(recorder.requests, { ...judgeOptions, ...(server.profile ? { profile: server.profile.name } : {}), startedAt, droppedRequests: recorder.dropped, cors, secrets: [...secrets(), ...(judgeOptions.secrets ?? [])] }),
    judgeCase: (caseOptions) => {
      if (!fault || !injector) throw new Error('judgeCase: this session injects no fault');
      return judgeCase(fault, injector.firings, judgeRun(recorder.requests, { cors, startedAt }), caseOptions);
    },
    close: () => server.close(),
  };
}
