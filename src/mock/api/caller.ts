// Who is calling and may they call this endpoint: the checks the API routes run before reading the body,
// so an unauthenticated caller learns nothing about body parsing. Each throws the registry's ApiError;
// neither allocates on success (every request of a load run calls them).
import type { Endpoint, Permission } from '../../protocol/constants.ts';
import { authenticateConnection } from './auth.ts';
import { type ApiContext, hasFault } from './context.ts';
import { apiErrors } from './errors.ts';
import type { MockKey } from './keys.ts';

/** The key of the caller (remembered per connection, auth.ts). `no-auth-check` waives only the
 * missing-key rule, answering as the first key (which has every permission); an unknown key is still
 * refused. */
export function authenticateCaller(ctx: ApiContext, connection: object, header: string | undefined): MockKey {
  if ((header === undefined || header === '') && hasFault(ctx, 'no-auth-check')) return ctx.keys.values().next().value!;
  return authenticateConnection(connection, header, ctx.keys);
}

/** Refuses a key without the endpoint's permission (403, docs/sources.md "Ashby docs: authentication") unless `no-permission-check` is on. */
export function checkPermission(ctx: ApiContext, key: MockKey, endpoint: Endpoint, permission: Permission): void {
  if (!key.permissions.includes(permission) && !hasFault(ctx, 'no-permission-check')) throw apiErrors.missingPermission(permission, endpoint);
}
