// The API's transport: one POST route per endpoint, Basic auth + permission check in onRequest (so an
// unauthenticated caller learns nothing about body parsing), a JSON parser with a 1 MiB limit, and
// every failure as the error envelope. Encapsulated so the storage plugin's parsers stay untouched.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ENDPOINTS, type Endpoint } from '../../protocol/constants.ts';
import { authenticateCaller, checkPermission } from './caller.ts';
import { type ApiContext, hasFault } from './context.ts';
import { ApiError, toEnvelope } from './envelope.ts';
import { apiErrors } from './errors.ts';
import { faultAnswer } from './answer-faults.ts';
import { HANDLERS } from './endpoints.ts';
import type { MockKey } from './keys.ts';
import { parseJsonBody, successJson } from './json-body.ts';
import { submitMultipart } from './multipart-submit.ts';
import { handleAnswerJson } from './handle-answer.ts';
import type { UploadHandleResults } from '../../protocol/responses.ts';

const JSON_BODY_LIMIT = 1024 * 1024;
/** Multipart applicationForm.submit carries the file itself (50 MB per file: docs/sources.md, "Ashby help: candidate files"). */
const MULTIPART_BODY_LIMIT = 60 * 1024 * 1024;

const JSON_TYPE = 'application/json; charset=utf-8';

/** The success answer's bytes; the handle answer, the hot route's, by concatenation (handle-answer.ts)
 * while no fault is active (a fault can change its shape). */
function answerJson(ctx: ApiContext, endpoint: Endpoint, results: unknown): string {
  return endpoint === 'file.createFileUploadHandle' && ctx.faults().size === 0 ? handleAnswerJson(results as UploadHandleResults) : successJson(results);
}

interface CallInfo { key?: MockKey; code?: string; recorded?: true }
const calls = new WeakMap<FastifyRequest, CallInfo>();

function sendError(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  const info = calls.get(request) ?? {};
  info.code = err.code;
  calls.set(request, info);
  const status = err.status === 200 && hasFault(ctx, 'error-as-500') ? 500 : err.status;
  return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(toEnvelope(err)));
}

/** Fastify's own errors (parser, limits) mapped to documented-style codes (docs/decisions/0002). */
function toApiError(err: FastifyError): ApiError {
  if (err instanceof ApiError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiErrors.payloadTooLarge(JSON_BODY_LIMIT);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiErrors.unsupportedContentType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiErrors.emptyBody();
    default:
      if (err.statusCode !== undefined && err.statusCode < 500) return apiErrors.malformedPayload();
      return apiErrors.internalError();
  }
}

export async function registerApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (_req, text, done) => {
      let body: unknown;
      try {
        body = parseJsonBody(text as string);
      } catch (err) {
        return done(err as FastifyError, undefined);
      }
      done(null, body);
    });
    // Left unread: only applicationForm.submit streams it; other endpoints refuse it in the handler.
    scope.addContentTypeParser('multipart/form-data', { bodyLimit: MULTIPART_BODY_LIMIT }, (_req, _payload, done) => done(null));

    scope.setErrorHandler((err: FastifyError, request, reply) => sendError(ctx, request, reply, toApiError(err)));

    // Every call is recorded once: when answered, or — a client that gave up waiting (a time-out under the
    // latency fault) — when it went away unanswered, so a test can still see that it was made.
    const record = (request: FastifyRequest, status: number, aborted: boolean): void => {
      const info = calls.get(request) ?? {};
      if (info.recorded) return;
      info.recorded = true;
      calls.set(request, info);
      ctx.state.recordCall({ endpoint: request.url.slice(1).split('?')[0]!, status, code: info.code, keyTitle: info.key?.title, ...(aborted ? { aborted: true as const } : {}) });
    };
    // Callback-style hooks and handler (no async functions): the handle route is the load-test hot path, and
    // each async stage costs a promise per request.
    scope.addHook('onResponse', (request, reply, done) => {
      record(request, reply.statusCode, false);
      done();
    });
    scope.addHook('onRequestAbort', (request, done) => {
      record(request, 0, true);
      done();
    });

    for (const endpoint of Object.keys(ENDPOINTS) as Endpoint[]) {
      const permission = ENDPOINTS[endpoint];
      const handler = HANDLERS[endpoint];
      scope.post(`/${endpoint}`, {
        onRequest: (request, reply, done) => {
          let key: MockKey | undefined;
          try {
            key = authenticateCaller(ctx, request.raw.socket, request.headers.authorization);
            calls.set(request, { key });
            checkPermission(ctx, key, endpoint, permission);
          } catch (err) {
            if (!(err instanceof ApiError)) return done(err as FastifyError);
            sendError(ctx, request, reply, err);
            return;
          }
          done();
        },
        handler: (request, reply) => {
          const key = calls.get(request)!.key!;
          const multipart = (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
          if (multipart && endpoint !== 'applicationForm.submit') {
            request.raw.resume();
            throw apiErrors.unsupportedContentType();
          }
          const faulty = multipart ? undefined : faultAnswer(ctx, endpoint, request.body);
          if (faulty) return reply.code(faulty.status).header('content-type', JSON_TYPE).send(faulty.body);
          const results = multipart ? submitMultipart(ctx, key, request.raw) : handler(ctx, key, request.body ?? {});
          if (results instanceof Promise) return results.then((r) => reply.header('content-type', JSON_TYPE).send(successJson(r)));
          return reply.header('content-type', JSON_TYPE).send(answerJson(ctx, endpoint, results));
        },
      });
    }

    scope.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, apiErrors.endpointNotFound(request.method, request.url.split('?')[0]!)));
  });
}
