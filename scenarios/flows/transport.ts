// The port every engine implements: k6 (http.asyncRequest) and node (undici). Flows only speak this,
// so one flow definition drives both engines and their numbers stay comparable.

/** The three measured stages of the presigned upload flow, plus the once-per-VU setup calls. */
export type Stage = 'handle_create' | 'upload' | 'attach' | 'setup';

/**
 * A request body. `parts` lets an engine that can stream chunks (undici) send the shared payload
 * without copying it; an engine that needs one buffer (k6) concatenates the parts once.
 */
type TransportBody = string | { parts: readonly Uint8Array[]; length: number };

export interface TransportRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: TransportBody;
  /** `name` is fixed per endpoint so presigned URLs do not become one time series each. */
  tags: { stage: Stage; name: string };
}

export interface TransportResponse {
  /** 0 when the request failed below HTTP (connection refused, reset, timeout). */
  status: number;
  body: string;
  /** Request duration in milliseconds as the engine measured it. */
  durationMs: number;
  error?: string;
  /** Bytes of the body as received, when the engine counted them (node engine); else the flows count
   * the decoded text's UTF-8 bytes (k6), which costs a pass over every answer. */
  bodyBytes?: number;
  /** Node engine: how long the request waited for a free connection before it was written (part of
   * durationMs). With it an iteration's start delay is measured to when its first request went out. */
  queuedMs?: number;
}

export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
}

/** Where a flow reports each stage's outcome; engines map it to Trends/checks or HDR histograms. */
export interface StageObserver {
  stage(stage: Stage, ok: boolean, durationMs: number, bytesSent: number, bytesReceived: number, reason?: string, queuedMs?: number): void;
}

/** One contiguous buffer, for engines without chunked bodies (k6). */
export function concatBody(body: { parts: readonly Uint8Array[]; length: number }): Uint8Array {
  const out = new Uint8Array(body.length);
  let offset = 0;
  for (const p of body.parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
