// The three load scenarios as engine-neutral async flows over the Transport port.
//   handle-create: file.createFileUploadHandle only
//   upload:        handle + multipart POST to the presigned URL (fields in order, file last)
//   full-flow:     handle + upload + attach (uploadResume | uploadFile | applicationForm.submit, by mix)
// Everything that does not change per iteration (auth header, handle-request bodies, payloads,
// multipart boundary and tail) is prepared once (preparePlan); the iteration path only does what
// must be per-request: parse the handle response and encode its form fields.
import {
  apiKeyInfo,
  createCandidate,
  createFileUploadHandle,
  multipartHead,
  multipartTail,
  newBoundary,
  parseEnvelope,
  submitApplicationForm,
  toHttpRequest,
  uploadFile,
  uploadResume,
  utf8ByteLength,
  utf8Encode,
  type ProtocolRequest,
  type UploadContext,
  type UploadHandleResults,
} from '../../src/protocol/index.ts';
import { weightedSlots, type Weighted } from './mix.ts';
import { makePayloads, type Payload } from './payloads.ts';
import type { Stage, StageObserver, Transport, TransportResponse } from './transport.ts';

/** The bytes an answer's body had on the wire: the engine's own count when it has one. */
const receivedBytes = (res: TransportResponse): number => res.bodyBytes ?? utf8ByteLength(res.body);

export const SCENARIOS = ['handle-create', 'upload', 'full-flow'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface FlowConfig {
  scenario: ScenarioName;
  baseUrl: string;
  apiKey: string;
  fileSizes: readonly Weighted<number>[];
  contexts: readonly Weighted<UploadContext>[];
  /** Needed for ApplicationForm attaches. */
  jobPostingId?: string;
}

/** Per-VU / per-worker state: the candidate every attach of this worker uses, created once. */
export interface WorkerState {
  id: number;
  candidateId?: string;
  candidatePending?: Promise<string | undefined>;
}

export interface Flow {
  readonly scenario: ScenarioName;
  newWorker(id: number): WorkerState;
  /** One iteration; `n` picks the size/context slot. Resolves true when every stage succeeded. */
  iterate(transport: Transport, observer: StageObserver, worker: WorkerState, n: number): Promise<boolean>;
}

interface HandleVariant {
  context: UploadContext;
  payload: Payload;
  body: string;
  /** The body's length in UTF-8 bytes (what goes over the wire, not UTF-16 units). */
  bodyBytes: number;
}

const ENDPOINT_NAMES = {
  handle: 'file.createFileUploadHandle',
  upload: 'presigned_upload',
} as const;

/**
 * Everything a flow prepares once and every iteration shares: the auth header, the serialised handle
 * request of every (context, size) pair, the payloads, the multipart boundary and tail. The stage
 * functions below read it and build only what must be per request.
 */
interface FlowPlan {
  readonly scenario: ScenarioName;
  readonly base: string;
  readonly headers: Record<string, string>;
  readonly handleUrl: string;
  /** One slot per weight unit; iteration n picks sizes[n % sizes.length]. */
  readonly sizes: readonly number[];
  readonly contexts: readonly UploadContext[];
  readonly variants: ReadonlyMap<string, HandleVariant>;
  readonly uploadContentType: string;
  readonly boundary: string;
  readonly tail: Uint8Array;
  readonly jobPostingId?: string;
}

function preparePlan(config: FlowConfig): FlowPlan {
  const base = config.baseUrl.replace(/\/+$/, '');
  const sizes = weightedSlots(config.fileSizes);
  const contexts = config.scenario === 'full-flow' ? weightedSlots(config.contexts) : (['CandidateResume'] as UploadContext[]);
  if (contexts.includes('ApplicationForm') && !config.jobPostingId) throw new Error('an ApplicationForm attach needs a job posting id');
  const boundary = newBoundary(); // the payload alphabet never contains "\r\n--", so one boundary serves all
  return {
    scenario: config.scenario,
    base,
    headers: toHttpRequest(base, config.apiKey, apiKeyInfo()).headers, // auth header encoded once
    handleUrl: `${base}/${ENDPOINT_NAMES.handle}`,
    sizes,
    contexts,
    variants: handleVariants(contexts, sizes),
    uploadContentType: `multipart/form-data; boundary=${boundary}`,
    boundary,
    tail: utf8Encode(multipartTail(boundary)),
    ...(config.jobPostingId !== undefined ? { jobPostingId: config.jobPostingId } : {}),
  };
}

const variantKey = (context: UploadContext, size: number): string => `${context}:${size}`;

/** Every (context, size) handle request body, serialised once. */
function handleVariants(contexts: readonly UploadContext[], sizes: readonly number[]): Map<string, HandleVariant> {
  const payloads = makePayloads(sizes);
  const variants = new Map<string, HandleVariant>();
  for (const context of contexts) {
    for (const size of sizes) {
      if (variants.has(variantKey(context, size))) continue;
      const payload = payloads.get(size)!;
      const body = JSON.stringify(createFileUploadHandle({ fileUploadContext: context, filename: payload.filename, contentType: payload.contentType, contentLength: size }).body);
      variants.set(variantKey(context, size), { context, payload, body, bodyBytes: utf8ByteLength(body) });
    }
  }
  return variants;
}

/** Iteration n's variant. The context advances once per full size cycle, so every (context, size) pair
 * occurs in proportion even when both tables have the same length. */
function variantFor(plan: FlowPlan, n: number): HandleVariant {
  const context = plan.contexts[Math.floor(n / plan.sizes.length) % plan.contexts.length]!;
  return plan.variants.get(variantKey(context, plan.sizes[n % plan.sizes.length]!))!;
}

const jsonPost = (plan: FlowPlan, stage: Stage, req: ProtocolRequest) =>
  ({ method: 'POST', url: `${plan.base}/${req.endpoint}`, headers: plan.headers, body: JSON.stringify(req.body), tags: { stage, name: req.endpoint } }) as const;

/** The worker's candidate, created on first need (concurrent first needs share one creation). */
async function ensureCandidate(plan: FlowPlan, t: Transport, obs: StageObserver, w: WorkerState): Promise<string | undefined> {
  if (w.candidateId) return w.candidateId;
  w.candidatePending ??= (async () => {
    const req = jsonPost(plan, 'setup', createCandidate(`Load Test ${w.id}`, `load-${w.id}-${Date.now()}@example.com`));
    const res = await t.request(req);
    const env = res.status === 200 ? parseEnvelope<{ id?: string }>(res.body) : undefined;
    const id = env?.kind === 'success' && typeof env.results?.id === 'string' ? env.results.id : undefined;
    obs.stage('setup', id !== undefined, res.durationMs, utf8ByteLength(req.body), receivedBytes(res), id ? undefined : describe(res), res.queuedMs);
    if (id) w.candidateId = id;
    w.candidatePending = undefined;
    return id;
  })();
  return w.candidatePending;
}

async function createHandle(plan: FlowPlan, t: Transport, obs: StageObserver, v: HandleVariant): Promise<UploadHandleResults | undefined> {
  const res = await t.request({ method: 'POST', url: plan.handleUrl, headers: plan.headers, body: v.body, tags: { stage: 'handle_create', name: ENDPOINT_NAMES.handle } });
  let results: UploadHandleResults | undefined;
  if (res.status === 200) {
    const env = parseEnvelope<UploadHandleResults>(res.body);
    if (env.kind === 'success' && typeof env.results?.url === 'string' && typeof env.results.handle === 'string' && env.results.fields) results = env.results;
  }
  obs.stage('handle_create', results !== undefined, res.durationMs, v.bodyBytes, receivedBytes(res), results ? undefined : describe(res), res.queuedMs);
  return results;
}

async function upload(plan: FlowPlan, t: Transport, obs: StageObserver, v: HandleVariant, h: UploadHandleResults): Promise<boolean> {
  const head = utf8Encode(multipartHead(h.fields, v.payload, plan.boundary));
  const length = head.length + v.payload.size + plan.tail.length;
  const res = await t.request({
    method: 'POST',
    url: h.url,
    headers: { 'content-type': plan.uploadContentType },
    body: { parts: [head, v.payload.bytes, plan.tail], length },
    tags: { stage: 'upload', name: ENDPOINT_NAMES.upload },
  });
  const ok = res.status >= 200 && res.status < 300;
  obs.stage('upload', ok, res.durationMs, length, receivedBytes(res), ok ? undefined : describe(res), res.queuedMs);
  return ok;
}

/** The follow-up call of the handle's context: uploadResume, uploadFile or applicationForm.submit. */
function attachRequest(plan: FlowPlan, context: UploadContext, candidateId: string | undefined, handle: string, w: WorkerState, n: number): ProtocolRequest {
  if (context === 'CandidateResume') return uploadResume(candidateId!, handle);
  if (context === 'CandidateFiles') return uploadFile(candidateId!, handle);
  return submitApplicationForm({
    jobPostingId: plan.jobPostingId!,
    fieldSubmissions: [
      { path: '_systemfield_name', value: `Load Applicant ${w.id}-${n}` },
      { path: '_systemfield_email', value: `applicant-${w.id}-${n}@example.com` },
      { path: '_systemfield_resume', value: handle },
    ],
  });
}

async function attach(plan: FlowPlan, t: Transport, obs: StageObserver, w: WorkerState, v: HandleVariant, handle: string, n: number): Promise<boolean> {
  const candidateId = v.context === 'ApplicationForm' ? undefined : await ensureCandidate(plan, t, obs, w);
  if (v.context !== 'ApplicationForm' && !candidateId) return false;
  const http = jsonPost(plan, 'attach', attachRequest(plan, v.context, candidateId, handle, w, n));
  const res = await t.request(http);
  const ok = res.status === 200 && parseEnvelope(res.body).kind === 'success';
  obs.stage('attach', ok, res.durationMs, utf8ByteLength(http.body), receivedBytes(res), ok ? undefined : describe(res), res.queuedMs);
  return ok;
}

export function createFlow(config: FlowConfig): Flow {
  const plan = preparePlan(config);
  return {
    scenario: plan.scenario,
    newWorker: (id) => ({ id }),
    async iterate(t, obs, w, n) {
      const v = variantFor(plan, n);
      const h = await createHandle(plan, t, obs, v);
      if (!h || plan.scenario === 'handle-create') return h !== undefined;
      if (!(await upload(plan, t, obs, v, h))) return false;
      if (plan.scenario === 'upload') return true;
      return attach(plan, t, obs, w, v, h.handle, n);
    },
  };
}

/** A short reason for a failed stage (status and error code), for the error breakdown. */
function describe(res: TransportResponse): string {
  if (res.status === 0) return res.error ?? 'request failed';
  if (res.status !== 200) return `HTTP ${res.status}`;
  const env = parseEnvelope(res.body);
  return env.kind === 'error' ? env.code : env.kind === 'invalid' ? 'invalid response' : 'unexpected response shape';
}
