// The API's transport: one POST route per endpoint, Basic auth + permission check in onRequest (so an
// unauthenticated caller learns nothing about body parsing), a JSON parser with a 1 MiB limit, and
// every failure as the error envelope. Encapsulated so the storage plugin's parsers stay untouched.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ENDPOINTS, ERROR_CODES, type Endpoint } from '../../protocol/constants.ts';
import { authenticateConnection } from './auth.ts';
import { type ApiContext, hasFault } from './context.ts';
import { ApiError, errorEnvelope } from './envelope.ts';
import { faultAnswer } from './answer-faults.ts';
import { HANDLERS } from './endpoints.ts';
import type { MockKey } from './keys.ts';
import { submitMultipart } from './multipart-submit.ts';

export const JSON_BODY_LIMIT = 1024 * 1024;
/** Multipart applicationForm.submit carries the file itself (50 MB per file, DOC D10). */
const MULTIPART_BODY_LIMIT = 60 * 1024 * 1024;

interface CallInfo { key?: MockKey; code?: string }
const calls = new WeakMap<FastifyRequest, CallInfo>();

/** A key with every permission, used when `no-auth-check` lets an anonymous caller through. */
const ANONYMOUS = (ctx: ApiContext): MockKey => ctx.keys.values().next().value!;

function sendError(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  const info = calls.get(request) ?? {};
  info.code = err.code;
  calls.set(request, info);
  const status = err.status === 200 && hasFault(ctx, 'error-as-500') ? 500 : err.status;
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(errorEnvelope(err.code, err.message)));
}

/** Fastify's own errors (parser, limits) mapped to documented-style codes (docs/decisions/0002). */
function toApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, ERROR_CODES.payloadTooLarge, `Request payload exceeds ${JSON_BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(415, ERROR_CODES.unsupportedContentType, 'Content-Type must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(200, ERROR_CODES.invalidInput, 'Request payload is malformed: empty body');
    default:
      if (err.statusCode !== undefined && err.statusCode < 500) return new ApiError(200, ERROR_CODES.invalidInput, 'Request payload is malformed');
      return new ApiError(500, ERROR_CODES.internalError, 'Internal error');
  }
}

export async function registerApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (_req, text, done) => {
      const s = text as string;
      if (s.trim() === '') return done(null, {});
      try {
        done(null, JSON.parse(s));
      } catch {
        done(new ApiError(200, ERROR_CODES.invalidInput, 'Request payload is malformed: invalid JSON') as unknown as FastifyError, undefined);
      }
    });
    // Left unread: only applicationForm.submit streams it; other endpoints refuse it in the handler.
    scope.addContentTypeParser('multipart/form-data', { bodyLimit: MULTIPART_BODY_LIMIT }, (_req, _payload, done) => done(null));

    scope.setErrorHandler((err: FastifyError, request, reply) => sendError(ctx, request, reply, toApiError(err)));

    scope.addHook('onResponse', async (request, reply) => {
      const info = calls.get(request);
      ctx.state.recordCall({ endpoint: request.url.slice(1).split('?')[0]!, status: reply.statusCode, code: info?.code, keyTitle: info?.key?.title });
    });

    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      const permission = ENDPOINTS[endpoint];
      const handler = HANDLERS[endpoint];
      scope.post(`/${endpoint}`, {
        onRequest: async (request, reply) => {
          let key: MockKey;
          try {
            key = authenticateConnection(request.raw.socket, request.headers.authorization, ctx.keys);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            // no-auth-check waives only the missing-key rule; an unknown key is still refused.
            if (err.status === 401 && hasFault(ctx, 'no-auth-check')) key = ANONYMOUS(ctx);
            else return sendError(ctx, request, reply, err);
          }
          calls.set(request, { key });
          if (!key.permissions.includes(permission) && !hasFault(ctx, 'no-permission-check')) {
            return sendError(ctx, request, reply, new ApiError(403, ERROR_CODES.missingEndpointPermission, `This API key lacks the ${permission} permission ${endpoint} requires`));
          }
        },
        handler: async (request, reply) => {
          const key = calls.get(request)!.key!;
          const multipart = (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
          if (multipart && endpoint !== 'applicationForm.submit') {
            request.raw.resume();
            throw new ApiError(415, ERROR_CODES.unsupportedContentType, 'Content-Type must be application/json');
          }
          const faulty = multipart ? undefined : faultAnswer(ctx, endpoint, request.body);
          if (faulty) return reply.code(faulty.status).header('content-type', 'application/json; charset=utf-8').send(faulty.body);
          const results = multipart ? await submitMultipart(ctx, key, request.raw) : await handler(ctx, key, request.body ?? {});
          return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ success: true, results }));
        },
      });
    }

    scope.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, new ApiError(404, ERROR_CODES.notFound, `Unknown endpoint ${request.method} ${request.url.split('?')[0]}`)));
  });
}
