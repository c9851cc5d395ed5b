// The mock's hook for client verification (`verify-client`, `mock --client-report`): an observer that
// gives the mock the request and response classes to create its HTTP server with (node:http's
// `IncomingMessage` / `ServerResponse` options; the observer sees bodies and answers through their
// methods, installed once instead of patched onto every request) and a request hook, the first stage of
// the mock's one request pipeline (src/mock/http-server.ts): it sees every request before Fastify routes
// it and may answer one itself (robustness faults). The mock knows nothing else about it; when the option
// is absent the server uses node's own classes and the pipeline has no such stage.
// Implementation: src/verify/recorder.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock.ts';

export interface ServerClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse<IncomingMessage>;
}

/** A stage of the request pipeline in front of Fastify's routing: returns true when it answered the request. */
export type RequestHook = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ClientRecordingHook {
  readonly serverClasses: ServerClasses;
  /** The recording stage, stamping times with the mock's clock. */
  requestHook(clock: Clock): RequestHook;
}
