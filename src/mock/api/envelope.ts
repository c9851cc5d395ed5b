// The documented error envelope (docs/sources.md, "Ashby docs: responses & errors") and the typed error the API routes throw. Every answer of the
// API side, including auth failures and unparsable bodies, goes through `toEnvelope`; the errors
// themselves (code, status, message) are built only from the registry in errors.ts.
import { randomBytes } from 'node:crypto';
import type { ErrorEnvelope } from '../../protocol/responses.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A 26-character ULID-like id: 10 chars of millisecond time + 16 random chars (Crockford base32). */
function newRequestId(now: number = Date.now()): string {
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

/** An API failure: `status` is the HTTP status (200 for validation/not-found, as the
 * responses & errors page says: docs/sources.md). Built by
 * `apiErrors.<name>(…)` (errors.ts), never directly. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function toEnvelope(err: ApiError): ErrorEnvelope {
  return { success: false, errors: [err.code], errorInfo: { code: err.code, message: err.message, requestId: newRequestId() } };
}
