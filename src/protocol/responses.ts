// Response shapes of the documented envelopes (docs/sources.md: "Ashby docs: responses & errors",
// "Ashby OpenAPI: success envelope", "Ashby OpenAPI: shared error schema") and a tolerant parser.

interface SuccessEnvelope<R = unknown> {
  success: true;
  results: R;
  warnings?: string[];
}

interface ErrorInfo {
  code: string;
  message?: string;
  requestId?: string;
  meta?: Record<string, unknown>;
}

export interface ErrorEnvelope {
  success: false;
  errors: string[];
  errorInfo: ErrorInfo;
}

export type Envelope<R = unknown> = SuccessEnvelope<R> | ErrorEnvelope;

export interface UploadHandleResults {
  handle: string;
  url: string;
  fields: Record<string, string>;
}

export interface FileHandleRef {
  id: string;
  name: string;
  handle: string;
}

export interface Candidate {
  id: string;
  name: string;
  resumeFileHandle?: FileHandleRef;
  fileHandles: FileHandleRef[];
  [key: string]: unknown;
}

export interface FileInfoResults {
  url: string;
}

export type ParsedEnvelope<R> =
  | { kind: 'success'; results: R; envelope: SuccessEnvelope<R> }
  | { kind: 'error'; code: string; message: string; envelope: ErrorEnvelope }
  | { kind: 'invalid'; reason: string };

/** Reads an API response body; never throws. `errorInfo.code` is read first (the responses & errors page shows only it). */
export function parseEnvelope<R = unknown>(text: string): ParsedEnvelope<R> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: `body is not JSON: ${text.slice(0, 80)}` };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'invalid', reason: 'body is not a JSON object' };
  const v = value as Record<string, unknown>;
  if (v.success === true) return { kind: 'success', results: v.results as R, envelope: v as unknown as SuccessEnvelope<R> };
  if (v.success === false) {
    const info = (v.errorInfo ?? {}) as Partial<ErrorInfo>;
    const errors = Array.isArray(v.errors) ? v.errors : [];
    const code = typeof info.code === 'string' ? info.code : typeof errors[0] === 'string' ? errors[0] : 'unknown';
    return { kind: 'error', code, message: typeof info.message === 'string' ? info.message : '', envelope: v as unknown as ErrorEnvelope };
  }
  return { kind: 'invalid', reason: 'body has no boolean `success`' };
}
