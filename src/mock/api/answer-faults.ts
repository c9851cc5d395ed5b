// The faults that replace the whole answer to one otherwise-valid kind of request, each a kind only a
// recording (INFO) check sends, so that a verdict which merely records behaviour is proven to fail on
// them: `server-error-on-extra-field` (a 5xx: envelope.no-server-error) and `unclassified-answer` (an
// answer in neither documented class: the recording check itself). Applied after authentication, before
// the endpoint's handler.
import type { Endpoint } from '../../protocol/constants.ts';
import { type ApiContext, hasFault } from './context.ts';
import { toEnvelope } from './envelope.ts';
import { apiErrors } from './errors.ts';

const HANDLE_FIELDS = new Set(['fileUploadContext', 'filename', 'contentType', 'contentLength']);

export interface FaultAnswer {
  status: number;
  body: string;
}

export function faultAnswer(ctx: ApiContext, endpoint: Endpoint, body: unknown): FaultAnswer | undefined {
  if (endpoint !== 'file.createFileUploadHandle' || ctx.faults().size === 0 || typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (hasFault(ctx, 'server-error-on-extra-field') && Object.keys(b).some((k) => !HANDLE_FIELDS.has(k))) {
    const err = apiErrors.faultServerError();
    return { status: err.status, body: JSON.stringify(toEnvelope(err)) };
  }
  if (hasFault(ctx, 'unclassified-answer') && b.contentLength === 0) return { status: 200, body: JSON.stringify({ status: 'ok', message: 'upload accepted' }) };
  return undefined;
}
