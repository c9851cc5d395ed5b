// The client rule catalogue: what a client of the presigned upload flow must (MUST: documented by Ashby
// or by S3 for POST uploads) or should (SHOULD: inferred) do, each with a stable id, its source, a fix
// hint and what real S3 / Ashby would have answered. How each level was chosen:
// docs/decisions/0070-client-rule-levels.md. The table in docs/verify-client.md is generated from / checked against this.
import { FOLLOW_UP, UPLOAD_CONTEXTS } from '../protocol/constants.ts';
import { isSecretName } from '../config/redact.ts';
import type { ClientRuleInfo } from '../results/client.ts';
import type { ParsedRequest, ObservedFlow, GroupedRequests } from './flows.ts';
import { describeAnswer, describeRequest } from './describe.ts';
import { fingerprint, isFilePart } from './multipart-shape.ts';
import { corsAllows, describeCors, type StorageCors } from '../mock/storage/cors.ts';

export interface Finding {
  ex?: ParsedRequest;
  message: string;
  sent: string;
  expected: string;
  /** What real S3 / Ashby answers in THIS case, when the rule's general line would say too much. */
  realAnswer?: string;
}

export interface RunFacts {
  grouped: GroupedRequests;
  /** The storage's bucket CORS rule in this run (src/mock/storage/cors.ts). */
  cors: StorageCors;
}

/**
 * A flow rule answers `undefined` for a flow that gives it nothing to judge: the rule then counts as
 * exercised only if another flow gave it something (src/verify/judge.ts), never as passed on no evidence.
 */
export type ClientRule = ClientRuleInfo & ({ scope: 'flow'; check(flow: ObservedFlow, run: RunFacts): Finding[] | undefined } | { scope: 'run'; check(run: RunFacts): Finding[] });

/** Attempts at one target (one object key, one handle's follow-up, one run of failing handle requests). */
const MAX_ATTEMPTS = 5;
/** The shortest pause before retrying an answer that named no Retry-After (no hot loop). */
const MIN_RETRY_PAUSE_MS = 100;

const lower = (s: string): string => s.toLowerCase();
const mediaType = (t: string | undefined): string => (t ?? '').split(';')[0]!.trim().toLowerCase();
/** Uploads whose whole body was seen (not cut short, not stopped early by the storage, not answered
 * by an injected fault): the rules about the set of fields need all of it. */
const uploadsOf = (flow: ObservedFlow): ParsedRequest[] => flow.uploads.filter((u) => u.rec.multipart !== undefined && u.rec.bodyComplete && !u.rec.aborted && u.rec.injected === undefined);
/** Uploads with at least a structure seen (the storage may have stopped reading after the file). */
const seenUploadsOf = (flow: ObservedFlow): ParsedRequest[] => flow.uploads.filter((u) => u.rec.multipart !== undefined && !u.rec.aborted && u.rec.injected === undefined);
/** The non-file fields sent, by lower-cased name (where they stand relative to the file is file-last's concern). */
type SentFields = Map<string, { value?: string; fingerprint?: string }>;

function sentFields(ex: ParsedRequest): SentFields {
  const out: SentFields = new Map();
  for (const p of ex.rec.multipart?.parts ?? []) if (!isFilePart(p)) out.set(lower(p.name), { value: p.value, fingerprint: p.fingerprint });
  return out;
}

/** Judges each judged upload of a flow whose handle was issued, against the issued fields. */
function eachIssuedUpload(flow: ObservedFlow, judge: (u: ParsedRequest, issued: Record<string, string>, sent: SentFields) => Finding[]): Finding[] {
  const issued = flow.issued;
  if (!issued) return [];
  return uploadsOf(flow).flatMap((u) => judge(u, issued.fields, sentFields(u)));
}

function policyExpiration(fields: Record<string, string>): number | undefined {
  const policy = Object.entries(fields).find(([k]) => lower(k) === 'policy')?.[1];
  if (!policy) return undefined;
  try {
    const doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as { expiration?: string };
    const t = Date.parse(doc.expiration ?? '');
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

function finding(ex: ParsedRequest, message: string, expected: string, sent = describeRequest(ex), realAnswer?: string): Finding {
  return realAnswer === undefined ? { ex, message, sent, expected } : { ex, message, sent, expected, realAnswer };
}

/** Decodes `Authorization: Basic …` into user and password. */
function basicCredentials(header: string | undefined): { user: string; password: string } | string {
  if (!header) return 'no Authorization header';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return `an Authorization header of scheme "${header.split(/\s/)[0]}"`;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return 'Basic credentials without ":"';
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Requests of one target in order, for the retry rules. */
function retryTargets(run: RunFacts): ParsedRequest[][] {
  const targets: ParsedRequest[][] = [];
  for (const flow of run.grouped.flows) {
    if (flow.uploads.length > 0) targets.push(flow.uploads);
    if (flow.followUps.length > 0) targets.push(flow.followUps);
  }
  // Handle requests: a run of failing attempts plus the attempt after it is one target.
  let current: ParsedRequest[] = [];
  for (const flow of run.grouped.flows) {
    current.push(flow.handleRequest);
    if (flow.handleRequest.ok) {
      if (current.length > 1) targets.push(current);
      current = [];
    }
  }
  if (current.length > 1) targets.push(current);
  return targets;
}

const retryable = (ex: ParsedRequest): boolean => ex.rec.aborted === true || ex.rec.status === 429 || (ex.rec.status ?? 0) >= 500;
const retryAfterMs = (ex: ParsedRequest): number | undefined => {
  const v = ex.rec.retryAfter;
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - (ex.rec.doneAt ?? ex.rec.at)) : undefined;
};

export const CLIENT_RULES: readonly ClientRule[] = [
  {
    id: 'client.handle.request-valid',
    level: 'MUST',
    title: 'The handle request is valid: a documented context, a filename with an extension, a MIME type and an integer size',
    source: 'Ashby docs: file.createFileUploadHandle (request body)',
    fix: 'POST JSON {fileUploadContext, filename, contentType, contentLength} with one of the three contexts, "name.ext", "type/subtype" and the exact byte count',
    realAnswer: 'Ashby: HTTP 200 {"success":false,"errors":["invalid_input"]} — no handle, no upload URL',
    scope: 'flow',
    check(flow) {
      const ex = flow.handleRequest;
      if (!/^application\/json\b/i.test(ex.rec.headers['content-type'] ?? '')) return [finding(ex, 'the handle request is not sent as application/json', 'Content-Type: application/json')];
      const d = flow.declared;
      if (!d) {
        // A caller refused before the mock read the body (auth, permission) whose body did not arrive in
        // full (the recorder waits for it at most 5 s) sent something unknown: nothing to judge.
        if (!ex.rec.bodyComplete && (ex.rec.status === 401 || ex.rec.status === 403)) return undefined;
        return [finding(ex, ex.jsonInvalid ? 'the handle request body is not valid JSON' : 'the handle request body is not a JSON object', 'a JSON object')];
      }
      const problems: string[] = [];
      if (!(UPLOAD_CONTEXTS as readonly unknown[]).includes(d.fileUploadContext)) problems.push(`fileUploadContext ${JSON.stringify(d.fileUploadContext)} is not one of ${UPLOAD_CONTEXTS.join(', ')}`);
      if (typeof d.filename !== 'string' || !/[^/\\]\.[A-Za-z0-9]{1,10}$/.test(d.filename)) problems.push(`filename ${JSON.stringify(d.filename)} has no extension`);
      if (typeof d.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(d.contentType)) problems.push(`contentType ${JSON.stringify(d.contentType)} is not a MIME type`);
      if (typeof d.contentLength !== 'number' || !Number.isInteger(d.contentLength) || d.contentLength < 0) problems.push(`contentLength ${JSON.stringify(d.contentLength)} is not a non-negative integer`);
      return problems.length ? [finding(ex, problems.join('; '), 'fileUploadContext ∈ {CandidateResume, CandidateFiles, ApplicationForm}, filename "name.ext", contentType "type/subtype", contentLength integer ≥ 0')] : [];
    },
  },
  {
    id: 'client.upload.file-last',
    level: 'MUST',
    title: 'The file is the last part of the storage POST',
    source: 'S3 POST Object: "the file or content must be the last field in the form"',
    fix: 'append the returned fields first, then the file (FormData.append order; curl -F order; the file input last in the form)',
    realAnswer: 'S3 ignores every field after the file; the fields it then misses fail the policy: 403 AccessDenied "Invalid according to Policy" (or 400 InvalidArgument for a missing key)',
    scope: 'flow',
    check(flow) {
      return seenUploadsOf(flow).flatMap((u) => {
        const shape = u.rec.multipart!;
        const parts = shape.parts;
        const at = parts.findIndex(isFilePart);
        if (at === -1) return [];
        if (at === parts.length - 1) return shape.partsFollow && !parts[at]!.open ? [finding(u, 'another part followed the file (the storage stopped reading there)', 'every field before the file; "file" last')] : [];
        // A second part named file is multipart-well-formed's finding (S3 refuses the count), not a field.
        const after = parts.slice(at + 1).filter((p) => !isFilePart(p));
        return after.length ? [finding(u, `${after.length} field(s) after the file: ${after.map((p) => p.name).join(', ')}`, 'every field before the file; "file" last')] : [];
      });
    },
  },
  {
    id: 'client.upload.fields-complete',
    level: 'MUST',
    title: 'Every field returned with the handle is sent',
    source: 'Ashby docs: file.createFileUploadHandle ("include all the fields"); S3 POST policy: conditions',
    fix: 'copy every entry of results.fields into the form, without filtering any out',
    realAnswer: 'S3: 403 AccessDenied "Invalid according to Policy: Policy Condition failed" (or SignatureDoesNotMatch when Policy or the signature is missing)',
    scope: 'flow',
    check(flow) {
      return eachIssuedUpload(flow, (u, issued, sent) => {
        const missing = Object.keys(issued).filter((k) => !sent.has(lower(k)));
        return missing.length ? [finding(u, `missing field(s): ${missing.join(', ')}`, `all ${Object.keys(issued).length} issued fields: ${Object.keys(issued).join(', ')}`)] : [];
      });
    },
  },
  {
    id: 'client.upload.fields-unchanged',
    level: 'MUST',
    title: 'Every returned field is sent with its value unchanged',
    source: 'S3 POST policy: conditions match field values exactly; S3 SigV4 POST authentication: the signature covers the Policy',
    fix: 'send each field value byte for byte as returned (no trimming, re-encoding or case changes)',
    realAnswer: 'S3: 403 AccessDenied "Invalid according to Policy: Policy Condition failed", or 403 SignatureDoesNotMatch for a changed Policy or signature',
    scope: 'flow',
    check(flow) {
      return eachIssuedUpload(flow, (u, issued, sent) => {
        const changed = Object.entries(issued).filter(([k, v]) => {
          const s = sent.get(lower(k));
          if (!s) return false; // fields-complete reports it
          return isSecretName(k) ? s.fingerprint !== fingerprint(v) : s.value !== v;
        });
        return changed.length ? [finding(u, `changed value(s): ${changed.map(([k]) => k).join(', ')}`, 'each value exactly as issued (secret values compared by fingerprint)')] : [];
      });
    },
  },
  {
    id: 'client.upload.no-extra-fields',
    level: 'MUST',
    title: 'No field beyond the returned ones (and the file) is sent',
    source: 'S3 POST policy: every form field must be covered by a condition, except x-ignore-* fields',
    fix: 'send only results.fields and the file; name any extra input x-ignore-… or leave its name out',
    realAnswer: 'S3: 403 AccessDenied "Invalid according to Policy: Extra input fields: <name>"',
    scope: 'flow',
    check(flow) {
      return eachIssuedUpload(flow, (u, issued, sent) => {
        const known = new Set(Object.keys(issued).map(lower));
        const extra = [...sent.keys()].filter((k) => !known.has(k) && !k.startsWith('x-ignore-'));
        return extra.length ? [finding(u, `extra field(s): ${extra.join(', ')}`, `only: ${Object.keys(issued).join(', ')}, file`)] : [];
      });
    },
  },
  {
    id: 'client.upload.size-declared',
    level: 'MUST',
    title: 'The bytes sent equal the contentLength declared for the handle',
    source: 'S3 POST policy: content-length-range (the handle pins it to the declared contentLength)',
    fix: 'declare contentLength as the exact byte size of the file you upload (fs.stat / Blob.size, not a string length)',
    realAnswer: 'S3: 400 EntityTooLarge / EntityTooSmall "Your proposed upload exceeds / is smaller than the maximum / minimum allowed size"',
    scope: 'flow',
    check(flow) {
      const declared = flow.declared?.contentLength;
      if (!flow.issued || typeof declared !== 'number') return [];
      return seenUploadsOf(flow).flatMap((u) => {
        const file = u.rec.multipart!.parts.find((p) => isFilePart(p) && !p.open);
        return file && file.size !== declared ? [finding(u, `file part has ${file.size} B, ${declared} B were declared`, `${declared} B`)] : [];
      });
    },
  },
  {
    id: 'client.upload.content-type-declared',
    level: 'MUST',
    title: 'The Content-Type field and the file part carry the MIME type declared for the handle',
    source: 'S3 POST policy: condition on $Content-Type (issued with the declared contentType); HTTP semantics: RFC 7578 §4.4',
    fix: 'declare the type you send, and give the file part the same type (Blob type, curl ;type=, the file input\'s file)',
    realAnswer: 'S3: 403 AccessDenied "Invalid according to Policy: Policy Condition failed: [\\"eq\\", \\"$Content-Type\\", …]"; a differing file part type stores a file whose type nobody declared',
    scope: 'flow',
    check(flow) {
      const declared = flow.issued?.fields['Content-Type'] ?? (typeof flow.declared?.contentType === 'string' ? flow.declared.contentType : undefined);
      if (!flow.issued || declared === undefined) return [];
      return uploadsOf(flow).flatMap((u) => {
        const problems: string[] = [];
        const field = sentFields(u).get('content-type');
        if (field?.value !== undefined && field.value !== declared) problems.push(`Content-Type field "${field.value}"`);
        const file = u.rec.multipart!.parts.find(isFilePart);
        if (file && mediaType(file.contentType) !== mediaType(declared)) problems.push(`file part type "${file.contentType ?? '(none)'}"`);
        return problems.length ? [finding(u, `${problems.join(' and ')} instead of the declared "${declared}"`, `"${declared}" in both`)] : [];
      });
    },
  },
  {
    id: 'client.upload.multipart-well-formed',
    level: 'MUST',
    title: 'The storage POST is well-formed multipart/form-data with exactly one part named "file" (other parts may carry a filename attribute)',
    source: 'HTTP semantics: RFC 7578 (multipart/form-data); S3 POST Object (the part named file is the upload); s3-tests POST forms: every part a file part',
    fix: 'let a multipart encoder build the body (FormData, curl -F, a form with enctype="multipart/form-data"); name the file part "file" and send it once, last',
    realAnswer: 'S3: 412 PreconditionFailed for a body that is not multipart/form-data; 400 MalformedPOSTRequest for broken framing or a part without a name; 400 InvalidArgument "POST requires exactly one file upload per request" without a part named file or with two',
    scope: 'flow',
    check(flow) {
      return flow.uploads.flatMap((u) => {
        if (u.rec.injected !== undefined) return [];
        const shape = u.rec.multipart;
        if (!shape) return [finding(u, `the body is not multipart/form-data (Content-Type: ${u.rec.headers['content-type'] ?? 'none'})`, 'Content-Type: multipart/form-data; boundary=…', describeRequest(u), 'S3: 412 PreconditionFailed "Bucket POST must be of the enclosure-type multipart/form-data"')];
        if (!u.rec.bodyComplete || u.rec.aborted) return []; // cut short: the shape seen is not the shape sent
        if (!shape.wellFormed) return [finding(u, `malformed multipart: ${shape.problem}`, 'RFC 7578 parts, each with a name, closed by --boundary--', describeRequest(u), 'S3: 400 MalformedPOSTRequest "The body of your POST request is not well-formed multipart/form-data."')];
        const files = shape.parts.filter(isFilePart).length;
        if (files === 0) return [finding(u, 'no part is named "file" (S3 takes the upload from the part of that name, whatever filename attribute other parts carry)', 'exactly one part named "file"', describeRequest(u), 'S3: 400 InvalidArgument "POST requires exactly one file upload per request."')];
        if (files > 1) return [finding(u, `${files} parts named "file"`, 'exactly one part named "file"', describeRequest(u), `S3: 400 InvalidArgument "POST requires exactly one file upload per request." (ArgumentValue ${files}): nothing is stored`)];
        return [];
      });
    },
  },
  {
    id: 'client.upload.within-expiry',
    level: 'MUST',
    title: 'The upload starts before the presigned URL expires (10 minutes after the handle)',
    source: 'Ashby docs: file.createFileUploadHandle ("the URL expires after 10 minutes"); S3 POST policy: expiration',
    fix: 'upload right after creating the handle; if the URL may have expired, request a new handle instead of reusing it',
    realAnswer: 'S3: 403 AccessDenied "Invalid according to Policy: Policy expired."',
    scope: 'flow',
    check(flow) {
      const issued = flow.issued;
      if (!issued) return [];
      const expiry = policyExpiration(issued.fields);
      if (expiry === undefined) return [];
      return flow.uploads.flatMap((u) =>
        u.rec.at > expiry && u.rec.injected === undefined ? [finding(u, `the upload started ${((u.rec.at - expiry) / 1000).toFixed(1)} s after the URL expired`, `before ${new Date(expiry).toISOString()}`)] : [],
      );
    },
  },
  {
    id: 'client.upload.cors-allowed',
    level: 'MUST',
    title: "A browser upload (a request with an Origin header) comes from an origin the bucket's CORS rule allows",
    source: 'S3 CORS: the bucket answers Access-Control-Allow-Origin only for an origin its CORS rule allows; Fetch standard: CORS protocol (the browser hides a cross-origin answer without it)',
    fix: 'serve the upload page from an origin the bucket allows (mock: --storage-cors, default *); for Ashby, check which origins its upload bucket allows before uploading from a browser, or upload from your server',
    realAnswer: 'S3: the upload itself may be stored, but the answer carries no Access-Control-Allow-Origin (a preflight is refused: 403 AccessForbidden "CORSResponse: This CORS request is not allowed"), so the browser reports a network error ("Unknown error", "Failed to fetch") and the client never learns the upload succeeded',
    scope: 'run',
    check(run) {
      return run.grouped.all.flatMap((ex) => {
        const origin = ex.rec.headers.origin;
        if (ex.rec.kind !== 'storage' || origin === undefined || corsAllows(run.cors, origin)) return [];
        const what = ex.rec.method === 'OPTIONS' ? 'the preflight was refused' : 'the answer carried no Access-Control-Allow-Origin';
        return [finding(ex, `a browser on ${origin} would block this ${ex.rec.method === 'OPTIONS' ? 'upload' : 'answer'}: ${what} (the storage's CORS rule: ${describeCors(run.cors)})`, `an Origin the bucket allows (${describeCors(run.cors)})`)];
      });
    },
  },
  {
    id: 'client.attach.after-upload',
    level: 'MUST',
    title: 'The follow-up call comes only after a 2xx answer to the upload',
    source: 'Ashby docs: file.createFileUploadHandle ("after uploading the file, use the handle")',
    fix: 'await the storage POST and check its status (2xx) before calling the follow-up; on failure retry the upload or stop',
    realAnswer: 'Ashby: the handle names no file yet, so the follow-up fails (the mock: file_upload_not_completed) — or the candidate silently gets no file',
    scope: 'flow',
    check(flow) {
      if (!flow.issued) return [];
      const uploaded = flow.uploads.find((u) => u.ok)?.rec.doneAt;
      return flow.followUps.flatMap((f) =>
        uploaded === undefined || f.rec.at < uploaded ? [finding(f, uploaded === undefined ? 'follow-up without any successful upload' : 'follow-up sent before the upload was answered', 'a 2xx answer to the storage POST first')] : [],
      );
    },
  },
  {
    id: 'client.attach.context-endpoint',
    level: 'MUST',
    title: "The follow-up endpoint matches the handle's context",
    source: 'Ashby docs: file.createFileUploadHandle: CandidateResume → candidate.uploadResume, CandidateFiles → candidate.uploadFile, ApplicationForm → applicationForm.submit',
    fix: 'create the handle with the context of the call that will use it',
    realAnswer: 'Ashby: the handle is refused by the other endpoint (the mock: file_upload_handle_wrong_context)',
    scope: 'flow',
    check(flow) {
      if (!flow.context) return [];
      const want = FOLLOW_UP[flow.context].endpoint;
      return flow.followUps.flatMap((f) => (f.endpoint !== want ? [finding(f, `a ${flow.context} handle sent to ${f.endpoint}`, want)] : []));
    },
  },
  {
    id: 'client.attach.json',
    level: 'MUST',
    title: 'The follow-up call is application/json, not multipart',
    source: 'Ashby docs: introduction: every endpoint is a POST with a JSON body',
    fix: 'send the follow-up with Content-Type: application/json and JSON.stringify(body)',
    realAnswer: 'Ashby: the JSON body is not read — an invalid-request error (the mock: 415 unsupported_content_type)',
    scope: 'flow',
    check(flow) {
      return flow.followUps.flatMap((f) => (/^application\/json\b/i.test(f.rec.headers['content-type'] ?? '') ? [] : [finding(f, `follow-up sent as ${f.rec.headers['content-type'] ?? 'no Content-Type'}`, 'application/json')]));
    },
  },
  {
    id: 'client.handle.single-use',
    level: 'SHOULD',
    title: 'A handle is attached once',
    source: 'inferred (docs/decisions/0001-upload-handles.md): a handle names one uploaded object',
    fix: 'create a new handle per file and per attachment; retry a follow-up only when it failed',
    realAnswer: 'Ashby: undocumented — a second attachment may fail or create a duplicate file (the mock: file_upload_handle_already_used)',
    scope: 'flow',
    check(flow) {
      const firstOk = flow.followUps.findIndex((f) => f.ok);
      return firstOk === -1 ? [] : flow.followUps.slice(firstOk + 1).map((f) => finding(f, 'the handle was attached again after a successful follow-up', 'no further use of the handle'));
    },
  },
  {
    id: 'client.handle.unused',
    level: 'SHOULD',
    title: 'Every handle created is attached (unless its upload failed and the client gave up)',
    source: 'inferred: a handle that is never attached leaves an uploaded file no candidate references',
    fix: 'create the handle only when you are about to upload, and always make the follow-up call after a successful upload',
    realAnswer: 'Ashby: nothing fails — the candidate just never gets the file',
    scope: 'flow',
    check(flow) {
      if (!flow.issued || flow.followUps.length > 0) return [];
      // Every attempt failed — refused by the storage, or stopped by the browser at a refused preflight.
      const attempts = flow.uploads.length > 0 ? flow.uploads : flow.preflights;
      const gaveUp = attempts.length > 0 && !attempts.some((u) => u.ok);
      return gaveUp ? [] : [{ ex: flow.handleRequest, message: flow.uploads.length ? 'uploaded but never attached' : 'created but never used', sent: describeRequest(flow.handleRequest), expected: 'a follow-up call with this handle' }];
    },
  },
  {
    id: 'client.auth.basic',
    level: 'MUST',
    title: 'API calls use HTTP Basic with the API key as user name and an empty password',
    source: 'Ashby docs: introduction (Basic, API key as username, blank password)',
    fix: 'Authorization: Basic base64(apiKey + ":") — e.g. curl -u "$ASHBY_API_KEY:"',
    realAnswer: 'Ashby: 401 without credentials, 403 for a key it does not know',
    scope: 'run',
    check(run) {
      return run.grouped.all.flatMap((ex) => {
        if (ex.rec.kind !== 'api') return [];
        const c = basicCredentials(ex.rec.headers.authorization);
        const sent = `${ex.rec.method} ${ex.path} with ${typeof c === 'string' ? c : `Basic user of ${c.user.length} chars, password of ${c.password.length} chars`}`;
        if (typeof c === 'string') return [finding(ex, c, 'Authorization: Basic base64(key + ":")', sent)];
        if (c.user === '') return [finding(ex, 'the key is not the user name (empty user)', 'the key as user name, empty password', sent)];
        if (c.password !== '') return [finding(ex, 'a non-empty password', 'an empty password', sent)];
        return [];
      });
    },
  },
  {
    id: 'client.retry.retry-after',
    level: 'SHOULD',
    title: 'After a 429/503 with Retry-After the client waits at least that long before retrying',
    source: 'HTTP semantics: RFC 9110 §10.2.3 Retry-After; inferred: Ashby documents no general rate-limit headers',
    fix: 'read Retry-After (seconds or an HTTP date) and sleep at least that long before the retry',
    realAnswer: 'Ashby / S3: more 429 / 503 SlowDown answers, and a key or IP that keeps being throttled',
    scope: 'run',
    check(run) {
      return retryTargets(run).flatMap((attempts) =>
        attempts.slice(1).flatMap((ex, i) => {
          const prev = attempts[i]!;
          const wait = retryAfterMs(prev);
          if (wait === undefined || !(prev.rec.status === 429 || prev.rec.status === 503)) return [];
          const gap = ex.rec.at - (prev.rec.doneAt ?? prev.rec.at);
          return gap + 5 < wait ? [finding(ex, `retried after ${gap} ms; Retry-After asked for ${wait} ms`, `≥ ${wait} ms`, `${describeRequest(ex)} after ${describeAnswer(prev)}`)] : [];
        }),
      );
    },
  },
  {
    id: 'client.retry.bounded',
    level: 'SHOULD',
    title: `No hot retry loop: at most ${MAX_ATTEMPTS} attempts per request, ≥ ${MIN_RETRY_PAUSE_MS} ms apart after a failure (one immediate retry of a dropped connection allowed)`,
    source: 'AWS SDK retry behavior: bounded attempts, exponential backoff; inferred: Ashby documents no retry policy',
    fix: `retry at most ${MAX_ATTEMPTS - 1} times with a growing pause (e.g. 200 ms, 400 ms, 800 ms); then report the error`,
    realAnswer: 'Ashby / S3: throttling (429, 503 SlowDown) that the loop itself causes',
    scope: 'run',
    check(run) {
      return retryTargets(run).flatMap((attempts) => {
        const found: Finding[] = [];
        if (attempts.length > MAX_ATTEMPTS) found.push(finding(attempts[MAX_ATTEMPTS]!, `${attempts.length} attempts at one target`, `at most ${MAX_ATTEMPTS}`));
        // One immediate retry after a dropped connection is what HTTP stacks do for a stale keep-alive
        // socket (Chromium, undici; RFC 9110 §9.2.2); it is allowed once per target.
        let immediateAfterDrop = 1;
        attempts.slice(1).forEach((ex, i) => {
          const prev = attempts[i]!;
          if (!retryable(prev) || retryAfterMs(prev) !== undefined) return;
          const gap = ex.rec.at - (prev.rec.doneAt ?? prev.rec.at);
          if (gap >= MIN_RETRY_PAUSE_MS) return;
          if (prev.rec.aborted && immediateAfterDrop-- > 0) return;
          found.push(finding(ex, `retried ${gap} ms after ${describeAnswer(prev)}`, `a pause of ≥ ${MIN_RETRY_PAUSE_MS} ms`));
        });
        return found;
      });
    },
  },
];

export const CLIENT_RULE_IDS = CLIENT_RULES.map((r) => r.id);

export const CLIENT_RULE_TABLE_START = '<!-- client-rule-table:start (generated from src/verify/rules.ts) -->';
export const CLIENT_RULE_TABLE_END = '<!-- client-rule-table:end -->';

export function renderClientRuleTable(): string {
  const rows = CLIENT_RULES.map((r) => `| \`${r.id}\` | ${r.level} | ${r.title.replace(/\|/g, '\\|')} | ${r.source.replace(/\|/g, '\\|')} |`);
  return ['| rule | level | what the client must do | source |', '|---|---|---|---|', ...rows].join('\n');
}
