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
  return endpoint === 'file.createFileUploadHandle' && ctx.faults().size === 0 && ctx.profile.handleExtraMembers === undefined ? handleAnswerJson(results as UploadHandleResults) : successJson(results);
}

/** What the API scope learns about a call while answering it, for its call record: request properties
 * Fastify declares once per scope (`decorateRequest`), so each request carries them in its own shape
 * instead of an entry in a side table. */
interface CallFields {
  apiKey: MockKey | null;
  apiErrorCode: string | null;
  callRecorded: boolean;
}
type ApiRequest = FastifyRequest & CallFields;
const fields = (request: FastifyRequest): ApiRequest => request as ApiRequest;

function sendError(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, err: ApiError): FastifyReply {
  fields(request).apiErrorCode = err.code;
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

    // Every call is recorded once: when its answer is sent, or — a client that gave up waiting (a time-out
    // under the latency fault) — when it went away unanswered, so a test can still see that it was made.
    scope.decorateRequest('apiKey', null);
    scope.decorateRequest('apiErrorCode', null);
    scope.decorateRequest('callRecorded', false);
    const record = (request: FastifyRequest, status: number, aborted: boolean): void => {
      const call = fields(request);
      if (call.callRecorded) return;
      call.callRecorded = true;
      const url = request.url;
      const query = url.indexOf('?');
      const endpoint = url.slice(1, query === -1 ? url.length : query);
      const code = call.apiErrorCode ?? undefined;
      const keyTitle = call.apiKey?.title;
      ctx.state.recordCall(aborted ? { endpoint, status, code, keyTitle, aborted } : { endpoint, status, code, keyTitle });
    };
    // Callback-style hooks and handler (no async functions): the handle route is the load-test hot path, and
    // each async stage costs a promise per request.
    // onSend, not onResponse: the status is final once the answer is sent, the call is in the history
    // before the client can read the answer, and Fastify adds no per-request 'finish' listeners for it.
    scope.addHook('onSend', (request, reply, payload, done) => {
      record(request, reply.statusCode, false);
      done(null, payload);
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
          try {
            const key = authenticateCaller(ctx, request.raw.socket, request.headers.authorization);
            fields(request).apiKey = key;
            checkPermission(ctx, key, endpoint, permission);
          } catch (err) {
            if (!(err instanceof ApiError)) return done(err as FastifyError);
            sendError(ctx, request, reply, err);
            return;
          }
          done();
        },
        handler: (request, reply) => {
          const key = fields(request).apiKey!;
          const multipart = (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
          if (multipart && endpoint !== 'applicationForm.submit') {
            request.raw.resume();
            throw apiErrors.unsupportedContentType();
          }
          const faulty = multipart ? undefined : faultAnswer(ctx, endpoint, request.body);
          if (faulty) {
            reply.code(faulty.status).header('content-type', JSON_TYPE).send(faulty.body);
            return;
          }
          const results = multipart ? submitMultipart(ctx, key, request.raw) : handler(ctx, key, request.body ?? {});
          if (results instanceof Promise) return results.then((r) => reply.header('content-type', JSON_TYPE).send(successJson(r)));
          // Not returned: Fastify treats a returned reply as a thenable and waits on it.
          reply.header('content-type', JSON_TYPE).send(answerJson(ctx, endpoint, results));
        },
      });
    }

    scope.setNotFoundHandler((request, reply) => sendError(ctx, request, reply, apiErrors.endpointNotFound(request.method, request.url.split('?')[0]!)));
  });
}
