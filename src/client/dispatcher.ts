// The one place that decides how the harness reaches a host: which proxy (HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY, upper or lower case, as undici's EnvHttpProxyAgent reads them) and which certificate
// authorities (the system's + NODE_EXTRA_CA_CERTS, plus --ca-file / ASHBY_CA_FILE). The API client
// and the storage client use `network().dispatcher`; the node load engine builds its own pool sized
// for the run with `buildProxyDispatcher` and connects directly with `network().tls` where no proxy
// applies; doctor prints `proxyFor(url)`. Verification is never turned off (docs/decisions/0061).
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { UsageError } from '../config/errors.ts';

/** Where the CA file and the proxy settings come from (CLI flag > environment, see src/cli/network-options.ts). */
export interface NetworkOptions {
  /** PEM file with one or more CA certificates trusted in addition to the system's. */
  caFile?: string;
  /** Origins always reached directly (the embedded mock the harness itself started on loopback). */
  direct?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface ProxySettings {
  /** '' = none. */
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

export interface Network {
  readonly proxy: ProxySettings;
  readonly caFile: string | undefined;
  /** TLS options for a direct connection: undefined = Node's defaults (system CAs + NODE_EXTRA_CA_CERTS). */
  readonly tls: { ca: string[] } | undefined;
  /** The shared keep-alive dispatcher of the API and storage clients (built on first use). */
  readonly dispatcher: Dispatcher;
  /** The proxy URL (credentials hidden) a request to `url` goes through, or undefined when direct. */
  proxyFor(url: string | URL): string | undefined;
  close(): Promise<void>;
}

/** The proxy variables the way undici's EnvHttpProxyAgent reads them: lower case first, HTTPS falls back to HTTP. */
export function proxySettingsFromEnv(env: NodeJS.ProcessEnv, direct: string[] = []): ProxySettings {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? '';
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY ?? httpProxy;
  const fromEnv = (env.no_proxy ?? env.NO_PROXY ?? '').trim();
  const extra = direct.map((origin) => new URL(origin).host);
  const noProxy = fromEnv === '*' ? '*' : [fromEnv, ...extra].filter(Boolean).join(',');
  return { httpProxy, httpsProxy, noProxy };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** NO_PROXY matching, entry for entry as EnvHttpProxyAgent does it (host, .suffix / *.suffix, host:port, `*`). */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const value = noProxy.trim();
  if (value === '*') return true;
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number(parsed[2]) !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return true;
  }
  return false;
}

/** A proxy URL fit to print: user and password replaced. */
export function displayProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.href.replace(/\/$/, '');
  } catch {
    return proxy;
  }
}

/** The proxy (as configured, credentials included) for `url`, or undefined when it goes direct. */
function rawProxyFor(url: URL, proxy: ProxySettings): string | undefined {
  const chosen = url.protocol === 'https:' ? proxy.httpsProxy : proxy.httpProxy;
  if (!chosen || bypassesProxy(url, proxy.noProxy)) return undefined;
  return chosen;
}

function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--ca-file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'give a PEM file with the CA certificate(s) of the target');
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file ${path}: no PEM certificate in it`, 'the file must contain "-----BEGIN CERTIFICATE-----" blocks');
  return text;
}

/**
 * The CA list for --ca-file. Node replaces (not extends) its trust store when `ca` is given, so the
 * bundled roots and NODE_EXTRA_CA_CERTS are put back in: --ca-file adds trust, it never removes any.
 */
function caList(caFile: string, env: NodeJS.ProcessEnv): string[] {
  const ca = [...rootCertificates];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      ca.push(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself warns at start-up about an unreadable NODE_EXTRA_CA_CERTS; nothing to add here.
    }
  }
  ca.push(readCaFile(caFile));
  return ca;
}

export interface DispatcherTuning {
  connections?: number;
  keepAliveTimeout?: number;
  headersTimeout?: number;
  bodyTimeout?: number;
}

/** An EnvHttpProxyAgent with the run's proxy settings and CAs (for the target and for an https:// proxy). */
export function buildProxyDispatcher(net: Pick<Network, 'proxy' | 'tls'>, tuning: DispatcherTuning = {}): Dispatcher {
  const tls = net.tls ?? {};
  return new EnvHttpProxyAgent({
    ...tuning,
    // http:// targets are forwarded by absolute URI, as curl and k6 do (and every request shows in the
    // proxy's log); https:// targets always go through a CONNECT tunnel, so TLS stays end to end.
    proxyTunnel: false,
    httpProxy: net.proxy.httpProxy,
    httpsProxy: net.proxy.httpsProxy,
    noProxy: net.proxy.noProxy,
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
  });
}

export function createNetwork(options: NetworkOptions = {}): Network {
  const env = options.env ?? process.env;
  const proxy = proxySettingsFromEnv(env, options.direct);
  const tls = options.caFile ? { ca: caList(options.caFile, env) } : undefined;
  let dispatcher: Dispatcher | undefined;
  return {
    proxy,
    caFile: options.caFile,
    tls,
    get dispatcher() {
      dispatcher ??= buildProxyDispatcher({ proxy, tls }, { keepAliveTimeout: 4_000, connections: 64 });
      return dispatcher;
    },
    proxyFor(url) {
      const raw = rawProxyFor(typeof url === 'string' ? new URL(url) : url, proxy);
      return raw === undefined ? undefined : displayProxy(raw);
    },
    async close() {
      const d = dispatcher;
      dispatcher = undefined;
      await d?.close();
    },
  };
}

/**
 * Carries the configured CA file and direct origins into the conformance runner's worker threads
 * (they inherit the environment, hence the proxy variables, but not this module's state).
 */
const NETWORK_ENV_VAR = 'UH_NETWORK';

let options: NetworkOptions | undefined;
let current: Network | undefined;

/** The environment entry for a worker that must reach hosts exactly as this process does. */
export function networkEnv(): Record<string, string> {
  const o = options ?? {};
  return { [NETWORK_ENV_VAR]: JSON.stringify({ caFile: o.caFile, direct: o.direct ?? [] }) };
}

function optionsFromEnv(env: NodeJS.ProcessEnv): NetworkOptions {
  const raw = env[NETWORK_ENV_VAR];
  if (!raw) return {};
  const parsed = JSON.parse(raw) as { caFile?: string; direct?: string[] };
  return { caFile: parsed.caFile, direct: parsed.direct };
}

/** Sets the process's network settings (each command once, before its first request). */
export function configureNetwork(next: NetworkOptions): Network {
  const previous = current;
  options = next;
  current = createNetwork(next);
  // The previous pool finishes its in-flight requests and closes; nothing waits for it.
  previous?.close().catch(() => undefined);
  return current;
}

/** The configured network (else from process.env, including a parent's UH_NETWORK). */
export function network(): Network {
  current ??= createNetwork(options ?? optionsFromEnv(process.env));
  return current;
}

/** Closes the shared pool; the settings stay, so a later request builds a new pool with them. */
export async function closeNetwork(): Promise<void> {
  await current?.close();
}
