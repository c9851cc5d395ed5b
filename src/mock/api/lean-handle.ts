// A lean path for the load-test hot route, POST /file.createFileUploadHandle, that bypasses Fastify's
// routing, hooks, content-type parsing and reply machinery (the bench's profile: Fastify was ~⅔ of the
// mock's CPU per handle request; docs/performance.md). It takes only the plain case and answers exactly
// as the Fastify route does — same auth/permission order (before the body), same envelopes, same
// recorded call. Everything else returns false BEFORE reading the body, and Fastify handles it:
// any active fault, another method/URL (incl. a query string), a Content-Type other than exactly
// `application/json`, no Content-Length, chunked bodies, or a body over the 1 MiB limit.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ENDPOINTS, ERROR_CODES } from '../../protocol/constants.ts';
import { authenticateConnection } from './auth.ts';
import type { ApiContext } from './context.ts';
import { ApiError, errorEnvelope } from './envelope.ts';
import type { MockKey } from './keys.ts';
import { JSON_BODY_LIMIT } from './routes.ts';
import { createUploadHandle } from './upload-handle.ts';

const ENDPOINT = 'file.createFileUploadHandle';
const PATH = `/${ENDPOINT}`;
const PERMISSION = ENDPOINTS[ENDPOINT];

/**
 * Responses completed during one turn of the event loop are written together at its end (setImmediate).
 * Why: on loopback every write wakes the client up. Written one by one between requests' work, each
 * response cost a wake-up of an idle client, which then answered and slept again; `perf` showed those
 * wake-ups (sock_def_readable) as ~10 % of the mock's CPU and the largest single cost. Written back to
 * back, one wake-up serves the whole batch. The delay is the rest of that turn's work: nothing when
 * idle, well under a millisecond at saturation (docs/performance.md).
 */
class ResponseBatch {
  private items: { res: ServerResponse; status: number; body: string }[] = [];
  private readonly flushNow = (): void => this.flush();

  add(res: ServerResponse, status: number, body: string): void {
    this.items.push({ res, status, body });
    if (this.items.length === 1) setImmediate(this.flushNow);
  }

  private flush(): void {
    const items = this.items;
    this.items = [];
    for (const { res, status, body } of items) {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }
  }
}

interface LeanRoute {
  ctx: ApiContext;
  batch: ResponseBatch;
}

function send(route: LeanRoute, res: ServerResponse, status: number, body: string, key?: MockKey, code?: string): void {
  route.ctx.state.recordCall({ endpoint: ENDPOINT, status, code, keyTitle: key?.title });
  route.batch.add(res, status, body);
}

function fail(route: LeanRoute, res: ServerResponse, err: unknown, key?: MockKey): void {
  const e = err instanceof ApiError ? err : new ApiError(500, ERROR_CODES.internalError, 'Internal error');
  send(route, res, e.status, JSON.stringify(errorEnvelope(e.code, e.message)), key, e.code);
}

/** The request body is complete: parse, create the handle, answer. */
function answer(route: LeanRoute, res: ServerResponse, key: MockKey, chunks: Buffer[]): void {
  try {
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(200, ERROR_CODES.invalidInput, 'Request payload is malformed: invalid JSON');
      }
    }
    const results = createUploadHandle(route.ctx, key.organizationId, body ?? {});
    send(route, res, 200, JSON.stringify({ success: true, results }), key);
  } catch (err) {
    fail(route, res, err, key);
  }
}

const DIGITS = /^\d+$/;

// Per-request work avoids named closures: under tsx (esbuild keepNames) each one costs a __name() call.
export function leanHandleRoute(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const route: LeanRoute = { ctx, batch: new ResponseBatch() };
  return (req, res) => {
    if (req.url !== PATH || req.method !== 'POST' || req.headers['content-type'] !== 'application/json') return false;
    const lengthHeader = req.headers['content-length'];
    if (lengthHeader === undefined || req.headers['transfer-encoding'] !== undefined || !DIGITS.test(lengthHeader) || Number(lengthHeader) > JSON_BODY_LIMIT) return false;
    if (ctx.faults().size > 0) return false;

    // Auth and permission first, as the Fastify route's onRequest hook (the body is then left unread).
    let key: MockKey;
    try {
      key = authenticateConnection(req.socket, req.headers.authorization, ctx.keys);
    } catch (err) {
      req.resume();
      fail(route, res, err);
      return true;
    }
    if (!key.permissions.includes(PERMISSION)) {
      req.resume();
      fail(route, res, new ApiError(403, ERROR_CODES.missingEndpointPermission, `This API key lacks the ${PERMISSION} permission ${ENDPOINT} requires`), key);
      return true;
    }

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => answer(route, res, key, chunks));
    return true;
  };
}

/** Puts the lean route in front of the server's existing 'request' listener (Fastify's), keeping the
 * server itself — and so its timeouts and limits — as Fastify configured it. */
export function installLeanHandleRoute(server: Server, ctx: ApiContext): void {
  const lean = leanHandleRoute(ctx);
  const previous = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (previous.length !== 1) return; // not the shape we expect: leave Fastify alone
  const fastify = previous[0]!;
  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!lean(req, res)) fastify(req, res);
  });
}
