// The node engine's Transport: undici with a keep-alive Agent sized to the iteration concurrency.
// Chunked bodies are handed to undici as an iterable with an explicit content-length, so the shared
// payload is never copied per request (presigned POSTs must not be chunked-encoded).
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { Transport, TransportRequest, TransportResponse } from '../../scenarios/flows/index.ts';

export interface UndiciTransport extends Transport {
  /** Waits for in-flight requests. */
  close(): Promise<void>;
  /** Aborts in-flight requests (after the graceful stop ran out). */
  destroy(): Promise<void>;
}

export function createUndiciTransport(connections: number, timeoutMs = 60_000): UndiciTransport {
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    async request(req: TransportRequest): Promise<TransportResponse> {
      const started = performance.now();
      try {
        let headers = req.headers;
        let body: string | Readable; // undici also accepts a sync iterable of chunks (checked in tests)
        if (typeof req.body === 'string') body = req.body;
        else {
          headers = { ...req.headers, 'content-length': String(req.body.length) };
          body = req.body.parts as unknown as Readable;
        }
        const res = await request(req.url, { method: req.method, headers, body, dispatcher });
        const text = await res.body.text();
        return { status: res.statusCode, body: text, durationMs: performance.now() - started };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return { status: 0, body: '', durationMs: performance.now() - started, error: e.code ?? e.message ?? 'request failed' };
      }
    },
    close: () => dispatcher.close(),
    destroy: () => dispatcher.destroy(),
  };
}
