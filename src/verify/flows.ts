// Groups recorded requests into flows — handle request → storage POST(s) → follow-up call(s) — by the
// handle the mock issued and the object key in its fields; everything that matches no flow is listed
// apart as stray. Bodies are parsed here, once, not on the recording path.
import { FOLLOW_UP, UPLOAD_CONTEXTS, type UploadContext } from '../protocol/constants.ts';
import type { RecordedRequest } from './recorder.ts';

export const HANDLE_ENDPOINT = 'file.createFileUploadHandle';
export const FOLLOW_UP_ENDPOINTS: ReadonlySet<string> = new Set(Object.values(FOLLOW_UP).map((f) => f.endpoint));

/** One recorded request with what the judge needs from its body and answer. */
export interface ParsedRequest {
  rec: RecordedRequest;
  path: string;
  /** The API endpoint (`category.method`) for API calls. */
  endpoint?: string;
  /** The parsed JSON body (API calls); undefined when absent or not JSON. */
  json?: unknown;
  /** The body was not valid JSON although it was meant to be read as JSON. */
  jsonInvalid?: boolean;
  /** Parsed API answer envelope. */
  envelope?: { success?: boolean; results?: unknown; errorInfo?: { code?: string } };
  /** The error code of the answer: Ashby `errorInfo.code` or S3 `<Code>`. */
  code?: string;
  /** 2xx, and for the API `success: true`. */
  ok: boolean;
}

interface IssuedHandle {
  handle: string;
  url: string;
  fields: Record<string, string>;
}

export interface ObservedFlow {
  id: number;
  handleRequest: ParsedRequest;
  /** The declared request (when it parsed). */
  declared?: { fileUploadContext?: unknown; filename?: unknown; contentType?: unknown; contentLength?: unknown };
  context?: UploadContext;
  issued?: IssuedHandle;
  /** CORS preflights (OPTIONS) a browser sent to the storage before this flow's upload. */
  preflights: ParsedRequest[];
  uploads: ParsedRequest[];
  followUps: ParsedRequest[];
}

export interface GroupedRequests {
  flows: ObservedFlow[];
  /** Requests of no flow: other API calls, storage POSTs and follow-ups naming no issued handle. */
  stray: ParsedRequest[];
  all: ParsedRequest[];
}

function parseJson(chunks: Buffer[] | undefined): { value?: unknown; invalid?: boolean } {
  if (!chunks || chunks.length === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { invalid: true };
  }
}

function toExchange(rec: RecordedRequest): ParsedRequest {
  const q = rec.url.indexOf('?');
  const path = q === -1 ? rec.url : rec.url.slice(0, q);
  const ex: ParsedRequest = { rec, path, ok: rec.status !== undefined && rec.status >= 200 && rec.status < 300 };
  if (rec.kind === 'api') {
    ex.endpoint = path.slice(1);
    const isJson = /^application\/json\b/i.test(rec.headers['content-type'] ?? '');
    const body = parseJson(rec.body);
    if (body.value !== undefined) ex.json = body.value;
    if (body.invalid && isJson) ex.jsonInvalid = true;
    if (rec.answer) {
      try {
        ex.envelope = JSON.parse(rec.answer) as ParsedRequest['envelope'];
      } catch {
        /* not an envelope: leave undefined */
      }
    }
    const code = ex.envelope?.errorInfo?.code;
    if (code !== undefined) ex.code = code;
    ex.ok = ex.ok && ex.envelope?.success === true;
  } else if (rec.answer) {
    const code = /<Code>([^<]*)<\/Code>/.exec(rec.answer)?.[1];
    if (code !== undefined) ex.code = code;
  }
  return ex;
}

function issuedOf(ex: ParsedRequest): IssuedHandle | undefined {
  if (!ex.ok) return undefined;
  const r = ex.envelope?.results as { handle?: unknown; url?: unknown; fields?: unknown } | undefined;
  if (typeof r?.handle !== 'string' || typeof r.url !== 'string' || typeof r.fields !== 'object' || r.fields === null) return undefined;
  return { handle: r.handle, url: r.url, fields: r.fields as Record<string, string> };
}

/** Every string anywhere in a JSON value (a handle may sit in any field of a follow-up body). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** The values of a form-urlencoded body (a follow-up sent as a form still names its handle). */
function formValues(ex: ParsedRequest): string[] {
  if (!/^application\/x-www-form-urlencoded\b/i.test(ex.rec.headers['content-type'] ?? '') || !ex.rec.body) return [];
  return [...new URLSearchParams(Buffer.concat(ex.rec.body).toString('utf8')).values()];
}

function candidateHandles(ex: ParsedRequest): string[] {
  const found = [...strings(ex.json), ...formValues(ex)];
  for (const p of ex.rec.multipart?.parts ?? []) {
    if (p.value === undefined) continue;
    found.push(p.value);
    if (p.value.startsWith('{') || p.value.startsWith('[')) {
      try {
        strings(JSON.parse(p.value), found);
      } catch {
        /* a plain value */
      }
    }
  }
  return found;
}

export function groupFlows(records: readonly RecordedRequest[]): GroupedRequests {
  const flows: ObservedFlow[] = [];
  const stray: ParsedRequest[] = [];
  const all: ParsedRequest[] = [];
  const byHandle = new Map<string, ObservedFlow>();
  const byKey = new Map<string, ObservedFlow>();
  for (const rec of records) {
    const ex = toExchange(rec);
    all.push(ex);
    if (ex.endpoint === HANDLE_ENDPOINT) {
      const flow: ObservedFlow = { id: flows.length + 1, handleRequest: ex, preflights: [], uploads: [], followUps: [] };
      if (ex.json && typeof ex.json === 'object' && !Array.isArray(ex.json)) {
        flow.declared = ex.json as ObservedFlow['declared'];
        const c = flow.declared!.fileUploadContext;
        if ((UPLOAD_CONTEXTS as readonly unknown[]).includes(c)) flow.context = c as UploadContext;
      }
      const issued = issuedOf(ex);
      if (issued) {
        flow.issued = issued;
        byHandle.set(issued.handle, flow);
        if (issued.fields.key !== undefined) byKey.set(issued.fields.key, flow);
      }
      flows.push(flow);
    } else if (rec.kind === 'storage' && (rec.method === 'POST' || rec.method === 'OPTIONS')) {
      const key = rec.multipart?.parts.find((p) => p.name.toLowerCase() === 'key')?.value;
      // No readable or no known key (a malformed body, a changed key, a preflight that has no body): the
      // newest issued flow still waiting for its upload (clients under test upload one file at a time or
      // name the key right).
      const flow = (key !== undefined ? byKey.get(key) : undefined) ?? [...flows].reverse().find((f) => f.issued && !f.uploads.some((u) => u.ok));
      if (flow) (rec.method === 'POST' ? flow.uploads : flow.preflights).push(ex);
      else stray.push(ex);
    } else if (ex.endpoint !== undefined && FOLLOW_UP_ENDPOINTS.has(ex.endpoint)) {
      const handle = candidateHandles(ex).find((s) => byHandle.has(s));
      if (handle !== undefined) byHandle.get(handle)!.followUps.push(ex);
      else stray.push(ex);
    } else stray.push(ex);
  }
  return { flows, stray, all };
}
