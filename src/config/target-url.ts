// `--target` (ASHBY_BASE_URL) for every command, one set of rules and one error text: "mock" (where a
// command can start the embedded mock) or an http(s) base URL without credentials, query or fragment
// (keys travel in --api-key / ASHBY_API_KEY, never in a URL that ends up in logs and reports).
import { UsageError } from './errors.ts';

export type Target = 'mock' | URL;

export interface TargetRules {
  /** The command can start the embedded mock (conform, doctor, load); k8s pods cannot reach it. */
  allowMock: boolean;
}

const EXAMPLE = 'example: --target https://api.ashbyhq.com';

/** The value (already resolved flag > environment) → 'mock' or the base URL; undefined = the default. */
export function parseTarget(value: string | undefined, rules: { allowMock: false }): URL;
export function parseTarget(value: string | undefined, rules: TargetRules): Target;
export function parseTarget(value: string | undefined, rules: TargetRules): Target {
  const expected = rules.allowMock ? '"mock" or an http(s) base URL' : 'an http(s) base URL';
  if (value === undefined || value === 'mock') {
    if (rules.allowMock) return 'mock';
    throw new UsageError(`--target must be ${expected}, got ${value === undefined ? 'nothing' : '"mock"'}`, 'the embedded mock cannot be reached from a cluster; ' + EXAMPLE);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--target must be ${expected}, got "${value}"`, EXAMPLE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must use http or https, got "${url.protocol}"`, EXAMPLE);
  if (url.username || url.password) throw new UsageError('--target must not carry credentials; pass the key with --api-key or ASHBY_API_KEY');
  if (url.search || url.hash) throw new UsageError('--target must be a base URL without query or fragment');
  return url;
}

/** The base URL requests are built on: the URL without trailing slashes. */
export function baseUrlOf(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/** A target on this machine (a locally started mock or server) is never production. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
