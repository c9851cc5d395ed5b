// The mock's node:http server, created by the mock itself and handed to Fastify as its `serverFactory`
// (the documented way to give Fastify a server), so the lean handle path sits in front of Fastify's
// handler by construction instead of by rewiring the server's listeners afterwards. Fastify applies
// no timeouts to a server it did not create; the slow-client limits are therefore applied here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ServerClasses } from './client-recording.ts';

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

/** `classes`: the client recorder's request/response classes (client-recording.ts); node's own without. */
export function createHttpServer(limits: ServerLimits, handler: RequestHandler, classes?: ServerClasses): Server {
  const server = createServer(
    // Node requires headersTimeout ≤ requestTimeout.
    { headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs, ...classes },
    handler,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
