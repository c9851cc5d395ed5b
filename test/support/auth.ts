// The mock's seeded API keys as request headers (Basic auth: the key as user name, empty password).
import { basicAuthHeader } from '../../src/protocol/index.ts';

/** `authorization` for a key the mock knows (mock-full-access, mock-read-only, mock-other-org, …). */
export const authHeader = (key: string): { authorization: string } => ({ authorization: basicAuthHeader(key) });
/** The full-access key's `authorization` value. */
export const FULL_ACCESS = basicAuthHeader('mock-full-access');
