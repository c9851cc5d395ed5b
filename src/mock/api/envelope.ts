// The documented error envelope (DOC D3) and the typed error the API routes throw. Every answer of the
// API side, including auth failures and unparsable bodies, goes through `errorEnvelope`.
import { randomBytes } from 'node:crypto';
import type { ErrorEnvelope } from '../../protocol/responses.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A 26-character ULID-like id: 10 chars of millisecond time + 16 random chars (Crockford base32). */
export function newRequestId(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! & 31];
  return time + rand;
}

/** An API failure: `status` is the HTTP status (200 for validation/not-found, per DOC D3). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Validation and not-found failures: HTTP 200 with success:false (DOC D3). */
export const rejected = (code: string, message: string): ApiError => new ApiError(200, code, message);

export function errorEnvelope(code: string, message: string): ErrorEnvelope {
  return { success: false, errors: [code], errorInfo: { code, message, requestId: newRequestId() } };
}
