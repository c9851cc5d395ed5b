// HTTP Basic with the API key as user name (docs/sources.md, "Ashby docs: introduction", "… authentication"). The password is ignored: the docs send it empty
// and say nothing of a non-empty one (docs/decisions/0002-error-codes.md).
// The presented key is compared in constant time: both sides are hashed to fixed-length SHA-256 digests
// and compared with crypto.timingSafeEqual against EVERY known key (no early exit, no Map lookup on the
// secret), so response time says nothing about how much of a key matched (test/regressions/auth-constant-time).
import { hash, timingSafeEqual } from 'node:crypto';
import type { MockKey } from './keys.ts';
import { apiErrors } from './errors.ts';

// One-shot crypto.hash: a third of createHash().update().digest()'s cost on the hot path.
const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

/** The known keys' digests, computed once per keys map (they were re-hashed on every request). */
interface KnownDigest { key: MockKey; text: string; digest: Buffer }
const knownDigests = new WeakMap<ReadonlyMap<string, MockKey>, KnownDigest[]>();

function stale(list: KnownDigest[], keys: ReadonlyMap<string, MockKey>): boolean {
  if (list.length !== keys.size) return true;
  let i = 0;
  for (const k of keys.values()) {
    const d = list[i++]!;
    if (d.key !== k || d.text !== k.key) return true;
  }
  return false;
}

function digestsOf(keys: ReadonlyMap<string, MockKey>): KnownDigest[] {
  let list = knownDigests.get(keys);
  // Rebuilt if the map (or a key's string) was changed in place.
  if (list === undefined || stale(list, keys)) {
    list = [...keys.values()].map((key) => ({ key, text: key.key, digest: digest(key.key) }));
    knownDigests.set(keys, list);
  }
  return list;
}

/** Finds the key whose string equals `presented`, comparing SHA-256 digests in constant time. */
export function findKey(presented: string, keys: ReadonlyMap<string, MockKey>): MockKey | undefined {
  const p = digest(presented);
  let found: MockKey | undefined;
  for (const k of digestsOf(keys)) {
    if (timingSafeEqual(p, k.digest) && found === undefined) found = k.key;
  }
  return found;
}

export function authenticate(header: string | undefined, keys: ReadonlyMap<string, MockKey>): MockKey {
  if (header === undefined || header === '') throw apiErrors.missingApiKey();
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match) throw apiErrors.malformedAuthorization();
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const key = findKey(user, keys);
  if (!key) throw apiErrors.invalidApiKey();
  return key;
}

/** A keep-alive client sends the same Authorization header on every request of a connection; the result
 * of the full check is remembered per connection and reused while the header string is identical.
 * `===` here compares the client's header with the one the same client sent earlier on the same
 * connection (which already passed the constant-time check), so its timing reveals nothing the client
 * did not send itself. Any other header goes through `authenticate` again. */
const byConnection = new WeakMap<object, { header: string; known: KnownDigest[]; key: MockKey }>();

export function authenticateConnection(connection: object, header: string | undefined, keys: ReadonlyMap<string, MockKey>): MockKey {
  const known = digestsOf(keys);
  const memo = byConnection.get(connection);
  if (memo !== undefined && memo.header === header && memo.known === known) return memo.key;
  const key = authenticate(header, keys);
  byConnection.set(connection, { header: header!, known, key });
  return key;
}
