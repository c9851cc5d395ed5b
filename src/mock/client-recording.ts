// The mock's hook for client verification (`verify-client`, `mock --client-report`): an observer that
// gives the mock the request and response classes to create its HTTP server with (node:http's
// `IncomingMessage` / `ServerResponse` options; the observer sees bodies and answers through their
// methods, installed once instead of patched onto every request) and is then handed the server once,
// before it listens, to wrap its request listener — so it sees every request, the lean handle path's
// included. The mock knows nothing else about it; when the option is absent the server uses node's
// own classes and the hot path is unchanged. Implementation: src/verify/recorder.ts.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Clock } from './clock.ts';

export interface ServerClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse<IncomingMessage>;
}

export interface ClientRecorder {
  readonly serverClasses: ServerClasses;
  attach(server: Server, clock: Clock): void;
}
