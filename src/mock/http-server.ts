// The mock's one request pipeline, as an HTTP adapter: a node:http server, created by the mock itself and
// handed to Fastify as its `serverFactory` (the documented way to give Fastify a server). Every request
// passes the same stages: the optional client-recording hook (client-recording.ts), then Fastify's
// lifecycle — the transport faults' onRequest hook (api/transport-faults.ts), the caller checks, the body
// parser and the endpoint functions (api/endpoints.ts, api/upload-handle.ts), which apply the API faults.
// Fastify applies no timeouts to a server it did not create; the slow-client limits are therefore applied here.
// Every answer leaves through the server's response class, which writes the answers of one event-loop turn
// together (turnBatchedResponse below).
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
// node:timers' own function, not the global: a test suite embedding the mock may fake the global timers.
import { setImmediate } from 'node:timers';
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

type ResponseClass = typeof ServerResponse<IncomingMessage>;

/**
 * The response class of the mock's server: answers ended during one turn of the event loop are written
 * together at its end (one setImmediate for all of them).
 * Why: on loopback every write wakes the client up. Written one by one between requests' work, each
 * answer woke an idle client, which read it, sent its next request and slept again; on these VMs a wake-up
 * is an inter-processor interrupt, and `perf` showed it (sock_def_readable → _raw_spin_unlock_irqrestore)
 * as the largest single cost of the mock at 10k req/s, ~12 % of its CPU. Written back to back, one wake-up
 * serves the whole turn. The delay is the rest of that turn's work: nothing when idle, well under a
 * millisecond at saturation. (Corking the socket cannot do it: node's `end()` fully uncorks.)
 */
function turnBatchedResponse(Base: ResponseClass): ResponseClass {
  // Private (#) members: the base may be the recorder's response class, whose own names must not clash.
  return class TurnBatchedResponse extends Base {
    static #pending: { res: TurnBatchedResponse; args: unknown[] }[] = [];
    static readonly #endAll = (): void => {
      const ends = TurnBatchedResponse.#pending;
      TurnBatchedResponse.#pending = [];
      for (const { res, args } of ends) {
        // node's end() throws at once on arguments it refuses; here that would be an uncaught error in a
        // timer, ending the process and the turn's other answers with it. That connection closes instead.
        try {
          res.#endNow(args);
        } catch (err) {
          res.destroy(err as Error);
        }
      }
    };

    /** end() was called: the answer is complete, though not yet written. */
    #ended = false;

    // `writableEnded` is true from the call of end(), as with node's own class (whose getter is
    // `this.finished`): Fastify reads it as `reply.sent`, so a second `reply.send()` in the same turn is
    // refused as "already sent". Node's typings declare it a property, hence defineProperty, not a getter.
    static {
      Object.defineProperty(this.prototype, 'writableEnded', {
        configurable: true,
        get(this: TurnBatchedResponse): boolean {
          return this.#ended || this.finished;
        },
      });
    }

    #endNow(args: unknown[]): void {
      (super.end as (...a: unknown[]) => this).apply(this, args);
    }

    override end(...args: unknown[]): this {
      this.#ended = true;
      if (TurnBatchedResponse.#pending.push({ res: this, args }) === 1) setImmediate(TurnBatchedResponse.#endAll);
      return this;
    }
  };
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
    {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      ...(classes ? { IncomingMessage: classes.IncomingMessage } : {}),
      ServerResponse: turnBatchedResponse(classes?.ServerResponse ?? ServerResponse),
    },
    handler,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
