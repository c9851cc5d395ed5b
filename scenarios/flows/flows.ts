// The three load scenarios as engine-neutral async flows over the Transport port.
//   handle-create: file.createFileUploadHandle only
//   upload:        handle + multipart POST to the presigned URL (fields in order, file last)
//   full-flow:     handle + upload + attach (uploadResume | uploadFile | applicationForm.submit, by mix)
// Everything that does not change per iteration (auth header, handle-request bodies, payloads,
// multipart boundary and tail) is prepared once in createFlow(); the iteration path only does what
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

export function createFlow(config: FlowConfig): Flow {
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers = toHttpRequest(base, config.apiKey, apiKeyInfo()).headers; // auth header encoded once
  const url = (req: ProtocolRequest) => `${base}/${req.endpoint}`;
  const sizes = weightedSlots(config.fileSizes);
  const contexts = config.scenario === 'full-flow' ? weightedSlots(config.contexts) : (['CandidateResume'] as UploadContext[]);
  const payloads = makePayloads(sizes);
  const needsForm = contexts.includes('ApplicationForm');
  if (needsForm && !config.jobPostingId) throw new Error('an ApplicationForm attach needs a job posting id');

  // Every (context, size) handle request body, serialised once.
  const variants = new Map<string, HandleVariant>();
  const variantOf = (context: UploadContext, size: number): HandleVariant => {
    const key = `${context}:${size}`;
    let v = variants.get(key);
    if (!v) {
      const payload = payloads.get(size)!;
      const req = createFileUploadHandle({ fileUploadContext: context, filename: payload.filename, contentType: payload.contentType, contentLength: size });
      const body = JSON.stringify(req.body);
      v = { context, payload, body, bodyBytes: utf8ByteLength(body) };
      variants.set(key, v);
    }
    return v;
  };
  for (const c of contexts) for (const s of sizes) variantOf(c, s);
  const handleUrl = `${base}/${ENDPOINT_NAMES.handle}`;

  const boundary = newBoundary(); // the payload alphabet never contains "\r\n--", so one boundary serves all
  const uploadContentType = `multipart/form-data; boundary=${boundary}`;
  const tail = utf8Encode(multipartTail(boundary));

  const jsonPost = (stage: Stage, req: ProtocolRequest) =>
    ({ method: 'POST', url: url(req), headers, body: JSON.stringify(req.body), tags: { stage, name: req.endpoint } }) as const;

  async function ensureCandidate(t: Transport, obs: StageObserver, w: WorkerState): Promise<string | undefined> {
    if (w.candidateId) return w.candidateId;
    w.candidatePending ??= (async () => {
      const req = jsonPost('setup', createCandidate(`Load Test ${w.id}`, `load-${w.id}-${Date.now()}@example.com`));
      const res = await t.request(req);
      const env = res.status === 200 ? parseEnvelope<{ id?: string }>(res.body) : undefined;
      const id = env?.kind === 'success' && typeof env.results?.id === 'string' ? env.results.id : undefined;
      obs.stage('setup', id !== undefined, res.durationMs, utf8ByteLength(req.body), utf8ByteLength(res.body), id ? undefined : describe(res));
      if (id) w.candidateId = id;
      w.candidatePending = undefined;
      return id;
    })();
    return w.candidatePending;
  }

  async function createHandle(t: Transport, obs: StageObserver, v: HandleVariant): Promise<UploadHandleResults | undefined> {
    const res = await t.request({ method: 'POST', url: handleUrl, headers, body: v.body, tags: { stage: 'handle_create', name: ENDPOINT_NAMES.handle } });
    let results: UploadHandleResults | undefined;
    if (res.status === 200) {
      const env = parseEnvelope<UploadHandleResults>(res.body);
      if (env.kind === 'success' && typeof env.results?.url === 'string' && typeof env.results.handle === 'string' && env.results.fields) results = env.results;
    }
    obs.stage('handle_create', results !== undefined, res.durationMs, v.bodyBytes, utf8ByteLength(res.body), results ? undefined : describe(res));
    return results;
  }

  async function upload(t: Transport, obs: StageObserver, v: HandleVariant, h: UploadHandleResults): Promise<boolean> {
    const head = utf8Encode(multipartHead(h.fields, v.payload, boundary));
    const length = head.length + v.payload.size + tail.length;
    const res = await t.request({
      method: 'POST',
      url: h.url,
      headers: { 'content-type': uploadContentType },
      body: { parts: [head, v.payload.bytes, tail], length },
      tags: { stage: 'upload', name: ENDPOINT_NAMES.upload },
    });
    const ok = res.status >= 200 && res.status < 300;
    obs.stage('upload', ok, res.durationMs, length, utf8ByteLength(res.body), ok ? undefined : describe(res));
    return ok;
  }

  async function attach(t: Transport, obs: StageObserver, w: WorkerState, v: HandleVariant, handle: string, n: number): Promise<boolean> {
    const candidateId = v.context === 'ApplicationForm' ? undefined : await ensureCandidate(t, obs, w);
    if (v.context !== 'ApplicationForm' && !candidateId) return false;
    let req: ProtocolRequest;
    if (v.context === 'CandidateResume') req = uploadResume(candidateId!, handle);
    else if (v.context === 'CandidateFiles') req = uploadFile(candidateId!, handle);
    else {
      req = submitApplicationForm({
        jobPostingId: config.jobPostingId!,
        fieldSubmissions: [
          { path: '_systemfield_name', value: `Load Applicant ${w.id}-${n}` },
          { path: '_systemfield_email', value: `applicant-${w.id}-${n}@example.com` },
          { path: '_systemfield_resume', value: handle },
        ],
      });
    }
    const http = jsonPost('attach', req);
    const res = await t.request(http);
    const ok = res.status === 200 && parseEnvelope(res.body).kind === 'success';
    obs.stage('attach', ok, res.durationMs, utf8ByteLength(http.body), utf8ByteLength(res.body), ok ? undefined : describe(res));
    return ok;
  }

  return {
    scenario: config.scenario,
    newWorker: (id) => ({ id }),
    async iterate(t, obs, w, n) {
      // Context advances once per full size cycle, so every (context, size) pair occurs in proportion
      // even when both tables have the same length.
      const v = variantOf(contexts[Math.floor(n / sizes.length) % contexts.length]!, sizes[n % sizes.length]!);
      const h = await createHandle(t, obs, v);
      if (!h || config.scenario === 'handle-create') return h !== undefined;
      if (!(await upload(t, obs, v, h))) return false;
      if (config.scenario === 'upload') return true;
      return attach(t, obs, w, v, h.handle, n);
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
