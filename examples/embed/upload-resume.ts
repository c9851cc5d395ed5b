// "Your" code: the upload function of an application that attaches a résumé to an Ashby candidate.
// It is what the example test (upload-resume.test.ts) exercises against the embedded mock; it uses only
// fetch and FormData, like an application would, and nothing of upload-harness.

export interface AshbyConfig {
  baseUrl: string;
  apiKey: string;
  /** Per-request time-out in milliseconds (default 10 s). */
  timeoutMs?: number;
}

export interface ResumeFile {
  name: string;
  type: string;
  bytes: Uint8Array;
  /** The length announced to createFileUploadHandle (default: the real length). */
  declaredLength?: number;
}

interface UploadHandle {
  handle: string;
  url: string;
  fields: Record<string, string>;
}

async function ashby<T>(config: AshbyConfig, endpoint: string, body: unknown): Promise<T> {
  const res = await fetch(`${config.baseUrl}/${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${config.apiKey}:`)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
  });
  if (res.status !== 200) throw new Error(`${endpoint} answered HTTP ${res.status}`);
  const json = (await res.json()) as { success: boolean; results?: T; errors?: string[] };
  if (!json.success) throw new Error(`${endpoint} failed: ${json.errors?.join(', ')}`);
  return json.results as T;
}

/** Step 1: a presigned upload handle for the file. */
export function createResumeHandle(config: AshbyConfig, file: ResumeFile): Promise<UploadHandle> {
  return ashby<UploadHandle>(config, 'file.createFileUploadHandle', {
    fileUploadContext: 'CandidateResume',
    filename: file.name,
    contentType: file.type,
    contentLength: file.declaredLength ?? file.bytes.length,
  });
}

/** Step 2: the multipart POST to the presigned URL — every returned field in order, the file LAST. */
export async function uploadToStorage(config: AshbyConfig, handle: UploadHandle, file: ResumeFile): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(handle.fields)) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  const res = await fetch(handle.url, { method: 'POST', body: form, signal: AbortSignal.timeout(config.timeoutMs ?? 10_000) });
  if (res.status < 200 || res.status > 299) throw new Error(`storage answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** All three steps: handle, upload, attach. Resolves to the handle that now holds the résumé. */
export async function uploadResume(config: AshbyConfig, candidateId: string, file: ResumeFile): Promise<string> {
  const handle = await createResumeHandle(config, file);
  await uploadToStorage(config, handle, file);
  await ashby(config, 'candidate.uploadResume', { candidateId, resumeHandle: handle.handle });
  return handle.handle;
}
