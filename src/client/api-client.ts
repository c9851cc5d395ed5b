// Executes src/protocol requests against an Ashby-compatible base URL and returns the status, the raw
// text and the parsed envelope. Also sends deliberately broken requests (malformed JSON, other
// content types, no key) for the validation and permission checks, through the same recorded path.
import { parseEnvelope, toHttpRequest, type Endpoint, type ParsedEnvelope, type ProtocolRequest } from '../protocol/index.ts';
import { TransportError } from './errors.ts';
import { curlForJson, ExchangeRecorder, SecretSet } from './exchange.ts';
import { DEFAULT_HTTP_OPTIONS, send, type HttpOptions } from './http.ts';

/** Which configured key a call uses; curl lines name its environment variable instead of the value. */
export interface ApiKeyRef {
  value: string;
  envVar: string;
}

export interface ApiResponse<R = unknown> {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  envelope: ParsedEnvelope<R>;
  durationMs: number;
}

export interface ApiClientOptions {
  baseUrl: string;
  http?: Partial<HttpOptions>;
  recorder?: ExchangeRecorder;
  secrets?: SecretSet;
}

export class ApiClient {
  readonly recorder: ExchangeRecorder;
  readonly secrets: SecretSet;
  private readonly http: HttpOptions;

  constructor(readonly options: ApiClientOptions) {
    this.recorder = options.recorder ?? new ExchangeRecorder();
    this.secrets = options.secrets ?? new SecretSet();
    this.http = { ...DEFAULT_HTTP_OPTIONS, ...options.http };
  }

  /** A documented call: JSON body built by src/protocol. `key` undefined sends no Authorization. */
  async call<R = unknown>(req: ProtocolRequest, key: ApiKeyRef | undefined): Promise<ApiResponse<R>> {
    const http = toHttpRequest(this.options.baseUrl, key?.value, req);
    return this.raw<R>(req.endpoint, http.body, key, http.headers['content-type']);
  }

  /** Any body text to an endpoint (malformed JSON, hand-built objects with wrong types). */
  async raw<R = unknown>(endpoint: Endpoint, body: string, key: ApiKeyRef | undefined, contentType = 'application/json'): Promise<ApiResponse<R>> {
    const http = toHttpRequest(this.options.baseUrl, key?.value, { endpoint, body: null });
    if (key) this.secrets.add(key.value, http.headers.authorization);
    const headers = { ...http.headers, 'content-type': contentType };
    const res = await send(
      { method: 'POST', url: http.url, headers, body: () => body, bodyForRecord: body, curl: curlForJson(http.url, key?.envVar, body, contentType) },
      this.http,
      this.recorder,
      this.secrets,
    );
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
    // A gateway or login page is not the API answering: errored, not a failed check.
    if (json === undefined && /text\/html/i.test(res.headers['content-type'] ?? '') && /<html|<!doctype/i.test(res.text))
      throw new TransportError('html-answer', `HTTP ${res.status} with an HTML page instead of JSON`, `POST ${http.url}`);
    return { status: res.status, headers: res.headers, text: res.text, json, envelope: parseEnvelope<R>(res.text), durationMs: res.durationMs };
  }
}
