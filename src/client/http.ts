// The one place where the API and storage clients put bytes on the wire: undici with a timeout on every
// call, retries only on 429/503 (honouring Retry-After, capped), and a redacted Exchange recorded for
// every attempt. Proxies and CAs come from the one network configuration (dispatcher.ts).
import { request, type Dispatcher } from 'undici';
import { redactUrl } from '../config/redact.ts';
import { closeNetwork, network } from './dispatcher.ts';
import { classifyTransportError, TransportError } from './errors.ts';
import { describeAnswer } from './answer-behaviour.ts';
import { truncate, type Exchange, type ExchangeRecorder, type SecretSet, redactHeaders } from './exchange.ts';

export interface HttpOptions {
  /** Per-attempt timeout (connect + headers + body). */
  timeoutMs: number;
  /** Retries after a 429/503 answer (0 = none). */
  maxRetries: number;
  /** Longest wait honoured from a Retry-After header; longer values are capped, not refused. */
  maxRetryAfterMs: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { timeoutMs: 15_000, maxRetries: 2, maxRetryAfterMs: 5_000 };

export interface RawRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** A factory so that a retried request gets a fresh (possibly streaming) body. */
  body?: () => Dispatcher.DispatchOptions['body'];
  /** What the exchange shows as the request body (already redacted or summarised). */
  bodyForRecord: string;
  curl: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
  text: string;
  durationMs: number;
}

const RETRY_STATUS = new Set([429, 503]);

/** One keep-alive pool per process (conformance checks are many small requests to one or two origins). */
function agent(): Dispatcher {
  return network().dispatcher;
}

/** Closes the shared pool (the next request opens a new one with the same network settings). */
export async function closeAgent(): Promise<void> {
  await closeNetwork();
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function attempt(req: RawRequest, options: HttpOptions): Promise<RawResponse> {
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const res = await request(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body?.(),
    signal,
    dispatcher: agent(),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  return {
    status: res.statusCode,
    headers: flattenHeaders(res.headers),
    bytes,
    text: new TextDecoder().decode(bytes),
    durationMs: performance.now() - started,
  };
}

/** Sends a request, retrying 429/503 only; every attempt lands in `recorder`. Throws TransportError. */
export async function send(req: RawRequest, options: HttpOptions, recorder: ExchangeRecorder, secrets: SecretSet): Promise<RawResponse> {
  const label = `${req.method} ${redactUrl(req.url)}`;
  const base = {
    method: req.method,
    url: redactUrl(req.url),
    requestHeaders: redactHeaders(req.headers, secrets),
    requestBody: truncate(secrets.redact(req.bodyForRecord)),
    curl: secrets.redact(req.curl),
  };
  for (let tryNo = 0; ; tryNo++) {
    const started = performance.now();
    let res: RawResponse;
    try {
      res = await attempt(req, options);
    } catch (err) {
      const te = classifyTransportError(err, label, { url: req.url, proxy: network().proxyFor(req.url) });
      recorder.record({ ...base, responseHeaders: {}, responseBody: '', durationMs: performance.now() - started, error: te.message });
      throw te;
    }
    const exchange: Exchange = {
      ...base,
      status: res.status,
      responseHeaders: redactHeaders(res.headers, secrets),
      responseBody: truncate(secrets.redact(res.text)),
      durationMs: res.durationMs,
      behaviour: describeAnswer(req.bodyForRecord, res.text),
    };
    recorder.record(exchange);
    if (!RETRY_STATUS.has(res.status) || tryNo >= options.maxRetries) {
      if (RETRY_STATUS.has(res.status) && options.maxRetries > 0)
        throw new TransportError('retries-exhausted', `still ${res.status} after ${options.maxRetries} retries`, label);
      return res;
    }
    const wait = Math.min(retryAfterMs(res.headers['retry-after']) ?? 200 * 2 ** tryNo, options.maxRetryAfterMs);
    await sleep(wait);
  }
}
