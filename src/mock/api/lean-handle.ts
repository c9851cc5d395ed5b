// A lean path for the load-test hot route, POST /file.createFileUploadHandle, that bypasses Fastify's
// routing, hooks, content-type parsing and reply machinery (the bench's profile: Fastify was ~⅔ of the
// mock's CPU per handle request; docs/performance.md). It takes only the plain case and answers exactly
// as the Fastify route does: the same caller checks (caller.ts) in the same order (before the body), the
// same body rules (json-body.ts), the same errors (errors.ts), the same recorded call, except that the
// record says `via: 'lean'`. Everything else returns false BEFORE reading the body, and Fastify handles
// it: any active fault, another method/URL (incl. a query string), a Content-Type other than exactly
// `application/json`, no Content-Length, chunked bodies, or a body over the 1 MiB limit.
//
// Installation is explicit: `leanServerFactory` is Fastify's `serverFactory`, so every server Fastify
// listens on has the lean path in front of its handler, and `assertLeanPathInstalled` refuses to start
// (a HarnessError) if Fastify's server is not one of them.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HarnessError } from '../../config/errors.ts';
import { ENDPOINTS } from '../../protocol/constants.ts';
import type { ServerClasses } from '../client-recording.ts';
import { createHttpServer, type RequestHandler, type ServerLimits } from '../http-server.ts';
import { authenticateCaller, checkPermission } from './caller.ts';
import type { ApiContext } from './context.ts';
import { ApiError, toEnvelope } from './envelope.ts';
import { apiErrors } from './errors.ts';
import { handleAnswerJson } from './handle-answer.ts';
import { parseJsonBody, successJson } from './json-body.ts';
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
  route.ctx.state.recordCall({ endpoint: ENDPOINT, status, code, keyTitle: key?.title, via: 'lean' });
  route.batch.add(res, status, body);
}

function fail(route: LeanRoute, res: ServerResponse, err: unknown, key?: MockKey): void {
  const e = err instanceof ApiError ? err : apiErrors.internalError();
  send(route, res, e.status, JSON.stringify(toEnvelope(e)), key, e.code);
}

/** The request body is complete: parse, create the handle, answer. */
function answer(route: LeanRoute, res: ServerResponse, key: MockKey, chunks: Buffer[]): void {
  try {
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const results = createUploadHandle(route.ctx, key.organizationId, parseJsonBody(text) ?? {});
    // A fault switched on while the body arrived may have changed the answer's shape: then the generic way.
    send(route, res, 200, route.ctx.faults().size === 0 ? handleAnswerJson(results) : successJson(results), key);
  } catch (err) {
    fail(route, res, err, key);
  }
}

const DIGITS = /^\d+$/;

// Per-request work avoids named closures: under tsx (esbuild keepNames) each one costs a __name() call.
function leanHandleRoute(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const route: LeanRoute = { ctx, batch: new ResponseBatch() };
  return (req, res) => {
    if (req.url !== PATH || req.method !== 'POST' || req.headers['content-type'] !== 'application/json') return false;
    const lengthHeader = req.headers['content-length'];
    if (lengthHeader === undefined || req.headers['transfer-encoding'] !== undefined || !DIGITS.test(lengthHeader) || Number(lengthHeader) > JSON_BODY_LIMIT) return false;
    if (ctx.faults().size > 0) return false;

    // Caller checks first, as the Fastify route's onRequest hook (the body is then left unread).
    let key: MockKey | undefined;
    try {
      key = authenticateCaller(ctx, req.socket, req.headers.authorization);
      checkPermission(ctx, key, ENDPOINT, PERMISSION);
    } catch (err) {
      req.resume();
      fail(route, res, err, key);
      return true;
    }
    const caller = key;

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => answer(route, res, caller, chunks));
    return true;
  };
}

/** Servers created by `leanServerFactory`: the proof, checked at start-up, that the lean path is in front. */
const leanServers = new WeakSet<Server>();

/** Fastify's `serverFactory`: a server whose requests go to the lean route first, then to Fastify. */
export function leanServerFactory(ctx: ApiContext, limits: ServerLimits, classes?: ServerClasses): (fastify: RequestHandler) => Server {
  const lean = leanHandleRoute(ctx);
  return (fastify) => {
    if (typeof fastify !== 'function') throw leanPathError('Fastify passed no request handler to the server factory');
    const server = createHttpServer(
      limits,
      (req, res) => {
        if (!lean(req, res)) fastify(req, res);
      },
      classes,
    );
    leanServers.add(server);
    return server;
  };
}

/** Throws unless `server` (Fastify's `app.server`) was built by `leanServerFactory`. */
export function assertLeanPathInstalled(server: Server): void {
  if (!leanServers.has(server)) throw leanPathError('Fastify is not serving through the lean server factory');
}

const leanPathError = (why: string): HarnessError =>
  new HarnessError('mock-lean-path', `the mock's lean file.createFileUploadHandle path could not be installed: ${why}`);
