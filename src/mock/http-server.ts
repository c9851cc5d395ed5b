// The mock's one request pipeline, as an HTTP adapter: a node:http server, created by the mock itself and
// handed to Fastify as its `serverFactory` (the documented way to give Fastify a server). Every request
// passes the same stages: the optional client-recording hook (client-recording.ts), then Fastify's
// lifecycle — the transport faults' onRequest hook (api/transport-faults.ts), the caller checks, the body
// parser and the endpoint functions (api/endpoints.ts, api/upload-handle.ts), which apply the API faults.
// Fastify applies no timeouts to a server it did not create; the slow-client limits are therefore applied here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestHook, ServerClasses } from './client-recording.ts';

export interface ServerLimits {
  /** Time to receive the complete request head (slowloris headers). */
  headersTimeoutMs: number;
  /** Time to receive the complete request, body included (trickling uploads). */
  requestTimeoutMs: number;
  /** Socket idle time before the connection is closed. */
  idleTimeoutMs: number;
  /** How often Node checks the two request timeouts above. */
  checkIntervalMs: number;
}

/** Defaults (docs/decisions/0040-server-limits.md): generous for a 50 MB file on a slow link, but no
 * request can hold a socket forever. */
export const SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, idleTimeoutMs: 30_000, checkIntervalMs: 1_000 };

/** Fastify's default keep-alive timeout, which its own servers get; kept so clients see no change. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface PipelineStages {
  /** The client recorder's request/response classes (client-recording.ts); node's own without. */
  classes?: ServerClasses;
  /** The client recorder's stage, run before Fastify's handler. */
  hook?: RequestHook;
}

/** Fastify's `serverFactory`: the server whose every request runs the pipeline above. */
export function pipelineServerFactory(limits: ServerLimits, stages: PipelineStages = {}): (fastify: RequestHandler) => Server {
  return (fastify) => {
    const hook = stages.hook;
    const handler: RequestHandler =
      hook === undefined
        ? fastify
        : (req, res) => {
            if (!hook(req, res)) fastify(req, res);
          };
    return createHttpServer(limits, handler, stages.classes);
  };
}

function createHttpServer(limits: ServerLimits, handler: RequestHandler, classes?: ServerClasses): Server {
  const server = createServer(
    // Node requires headersTimeout ≤ requestTimeout.
    { headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs, ...classes },
    handler,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
