// The mock's hook for client verification (`verify-client`, `mock --client-report`): an observer that
// is handed the HTTP server once, before it listens, and wraps its request listener — so it sees every
// request, the lean handle path's included. The mock knows nothing else about it; when the option is
// absent nothing is installed and the hot path is unchanged. Implementation: src/verify/recorder.ts.
import type { Server } from 'node:http';
import type { Clock } from './clock.ts';

export interface ClientRecorder {
  attach(server: Server, clock: Clock): void;
}
