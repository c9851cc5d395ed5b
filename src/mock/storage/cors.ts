// The storage's bucket CORS rule, answered as S3 answers CORS (docs/sources.md: "S3 CORS"; decision
// 0133): one rule whose AllowedOrigins come from `--storage-cors` (default `*`; `none` is S3's own default,
// a bucket without any CORS configuration), AllowedMethods GET, HEAD and POST (the storage's download and
// upload), every request header allowed, ETag and Location exposed. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered 200 with the Access-Control-* headers when the rule matches,
// 403 AccessForbidden when it does not (or when there is no rule), 400 when it lacks those headers; an
// actual request from an allowed Origin gets Access-Control-Allow-Origin, one from another origin does not.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorXml, S3Error } from './errors.ts';
import { UsageError } from '../../config/errors.ts';

export interface StorageCors {
  /** AllowedOrigins of the bucket's one CORS rule: [] = no CORS configuration; '*' any origin; an origin
   * may hold one `*` wildcard (`http://*.example.com`), as in S3. */
  allowedOrigins: readonly string[];
}

export const DEFAULT_STORAGE_CORS: StorageCors = { allowedOrigins: ['*'] };
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'];
const EXPOSE_HEADERS = 'ETag, Location';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';

/** `--storage-cors`: `*`, `none`, or a comma-separated list of origins (`scheme://host[:port]`); a bad
 * value is a UsageError (exit 2). */
const HINT = 'e.g. --storage-cors "*", --storage-cors none, or --storage-cors http://localhost:3000,https://app.example.com';

export function parseStorageCors(spec: string): StorageCors {
  const text = spec.trim();
  if (text === 'none') return { allowedOrigins: [] };
  const origins = text.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length === 0) throw new UsageError('--storage-cors needs *, none or a list of origins', HINT);
  for (const o of origins) {
    if (o === '*') continue;
    if ((o.match(/\*/g) ?? []).length > 1) throw new UsageError(`--storage-cors origin "${o}" has more than one *`, HINT);
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o)) throw new UsageError(`--storage-cors origin "${o}" is not scheme://host[:port] (no path, no trailing /)`, HINT);
  }
  return { allowedOrigins: origins };
}

export function describeCors(cors: StorageCors): string {
  return cors.allowedOrigins.length === 0 ? 'none (no CORS rule: S3\'s default)' : cors.allowedOrigins.join(', ');
}

function matches(pattern: string, origin: string): boolean {
  if (pattern === '*') return true;
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === origin;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return origin.length >= head.length + tail.length && origin.startsWith(head) && origin.endsWith(tail);
}

export function corsAllows(cors: StorageCors, origin: string): boolean {
  return cors.allowedOrigins.some((p) => matches(p, origin));
}

/** The Access-Control-* headers of an answer to `origin` (none when the rule does not allow it). */
export function corsHeaders(cors: StorageCors, origin: string | undefined): Record<string, string> {
  if (origin === undefined || !corsAllows(cors, origin)) return {};
  const any = cors.allowedOrigins.includes('*');
  return { 'access-control-allow-origin': any ? '*' : origin, 'access-control-allow-methods': ALLOWED_METHODS.join(', '), 'access-control-expose-headers': EXPOSE_HEADERS, vary: VARY };
}

const forbidden = (why: string): S3Error => new S3Error(403, 'AccessForbidden', `CORSResponse: ${why}`);

function preflight(cors: StorageCors, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const origin = request.headers.origin;
  const method = request.headers['access-control-request-method'];
  const fail = (error: S3Error): FastifyReply => reply.code(error.status).header('content-type', 'application/xml').send(errorXml(error));
  if (origin === undefined || method === undefined) return fail(new S3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.'));
  if (cors.allowedOrigins.length === 0) return fail(forbidden('CORS is not enabled for this bucket.'));
  if (!corsAllows(cors, origin) || !ALLOWED_METHODS.includes(method.toUpperCase())) {
    return fail(forbidden('This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.'));
  }
  const requested = request.headers['access-control-request-headers'];
  void reply.headers(corsHeaders(cors, origin));
  if (requested !== undefined) void reply.header('access-control-allow-headers', requested);
  return reply.code(200).send();
}

/** OPTIONS on the bucket and its objects, and the CORS headers of every storage answer (errors included). */
export function registerCors(scope: FastifyInstance, cors: StorageCors, bucket: string): void {
  const answer = (request: FastifyRequest, reply: FastifyReply) => preflight(cors, request, reply);
  scope.options(`/${bucket}`, answer);
  scope.options(`/${bucket}/*`, answer);
  scope.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'OPTIONS') void reply.headers(corsHeaders(cors, request.headers.origin));
    return payload;
  });
}
