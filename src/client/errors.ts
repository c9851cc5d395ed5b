// Typed transport errors: the target could not be talked to at all (refused, DNS, TLS, reset, hang, a
// proxy in the way, an HTML page instead of the API). A check that meets one is ERRORED, never failed:
// the harness did not get an answer to judge (Schemathesis' "errored" class). Each carries what went
// wrong in words a user can act on and a hint that fits the cause (`explainTransportError`).

export type TransportErrorCode =
  | 'connection-refused'
  | 'dns'
  | 'tls'
  | 'proxy'
  | 'connection-reset'
  | 'timeout'
  | 'html-answer'
  | 'retries-exhausted'
  | 'file-read'
  | 'network';

export class TransportError extends Error {
  /** What undici / Node threw, kept so the error can be explained again with more context. */
  original?: unknown;

  constructor(
    readonly code: TransportErrorCode,
    /** What went wrong, in words ("the certificate of host:443 is self-signed (subject CN=…)"). */
    readonly detail: string,
    /** Method and redacted URL of the request that met the error. */
    readonly request: string,
    /** What to do about it (`--ca-file`, `NODE_EXTRA_CA_CERTS`, `NO_PROXY`, …). */
    readonly hint?: string,
  ) {
    super(`${code}: ${detail} (${request})${hint ? ` — hint: ${hint}` : ''}`);
    this.name = 'TransportError';
  }
}

/** What the server's certificate says (from the error itself, or read by src/client/certificate-probe.ts). */
export interface CertificateInfo {
  subject: string;
  issuer?: string;
  validTo?: string;
  altNames?: string;
}

/** Where the failed request was going: the URL, and the proxy it went through (undefined = direct). */
export interface ErrorContext {
  url?: string;
  proxy?: string;
  certificate?: CertificateInfo;
}

export interface Explanation {
  code: TransportErrorCode;
  cause: string;
  hint: string;
}

interface RawError {
  code?: string;
  name?: string;
  message?: string;
  hostname?: string;
  reason?: string;
  cert?: { subject?: Record<string, string>; issuer?: Record<string, string>; valid_to?: string; subjectaltname?: string };
  cause?: RawError;
}

const CA_HINT = 'trust the CA that signed it with --ca-file FILE (or ASHBY_CA_FILE=FILE, or NODE_EXTRA_CA_CERTS=FILE for every Node process); the harness never turns verification off';
const PROXY_VARS = 'HTTPS_PROXY / HTTP_PROXY';

/** `CN=a, O=b` from Node's certificate subject object. */
export function formatDistinguishedName(dn: Record<string, string | string[]> | undefined): string | undefined {
  if (!dn) return undefined;
  const parts = Object.entries(dn).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`);
  return parts.length ? parts.join(', ') : undefined;
}

function certificateOf(e: RawError, ctx: ErrorContext): CertificateInfo | undefined {
  if (ctx.certificate) return ctx.certificate;
  const subject = formatDistinguishedName(e.cert?.subject);
  if (!subject) return undefined;
  return { subject, issuer: formatDistinguishedName(e.cert?.issuer), validTo: e.cert?.valid_to, altNames: e.cert?.subjectaltname };
}

const subjectText = (cert: CertificateInfo | undefined): string => (cert ? ` (subject ${cert.subject}${cert.issuer && cert.issuer !== cert.subject ? `, issuer ${cert.issuer}` : ''})` : '');

function hostOf(url: string | undefined): string {
  if (!url) return 'the target';
  try {
    const u = new URL(url);
    return u.port ? u.host : `${u.hostname}:${u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return url;
  }
}

function explainTls(code: string, message: string, e: RawError, ctx: ErrorContext): Explanation {
  const host = hostOf(ctx.url);
  const cert = certificateOf(e, ctx);
  const subject = subjectText(cert);
  const tls = (cause: string, hint: string): Explanation => ({ code: 'tls', cause, hint });
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return tls(`the certificate of ${host} is self-signed${subject} (${code})`, CA_HINT);
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return tls(`the certificate chain of ${host} ends in a self-signed CA this machine does not trust${subject} (${code})`, CA_HINT);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return tls(`the certificate of ${host} is signed by an unknown CA${subject} (${code})`, `${CA_HINT}; a proxy that inspects TLS needs its CA trusted the same way`);
    case 'CERT_HAS_EXPIRED':
      return tls(`the certificate of ${host} has expired${cert?.validTo ? ` (valid to ${cert.validTo})` : ''}${subject} (${code})`, 'the server must renew its certificate (a CA file does not help); check the clock of this machine too');
    case 'CERT_NOT_YET_VALID':
      return tls(`the certificate of ${host} is not valid yet${subject} (${code})`, 'check the clock of this machine and of the server');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return tls(
        `the certificate of ${host} is for another host name${cert ? ` (subject ${cert.subject}${cert.altNames ? `; names ${cert.altNames}` : ''})` : e.reason ? ` (${e.reason})` : ''} (${code})`,
        'use in --target a host name the certificate names (not an IP address or an internal alias)',
      );
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return tls(`TLS handshake with ${host} failed: ${message}`, 'the port may speak plain HTTP: check http:// versus https:// in --target (and in HTTPS_PROXY)');
    default:
      return tls(`TLS failure with ${host} (${code || message})${subject}`, `${CA_HINT}; check http:// versus https:// in --target`);
  }
}

/**
 * The one mapping from what undici / Node throw (errno codes, TLS codes, undici error classes) to a
 * typed cause and a hint that fits it. `ctx.proxy` tells whether a refusal came from the proxy.
 */
export function explainTransportError(err: unknown, ctx: ErrorContext = {}): Explanation {
  const e = (err ?? {}) as RawError;
  const code = e.code && e.code !== 'UND_ERR_CONNECT' ? e.code : (e.cause?.code ?? e.code ?? '');
  const inner = e.cause && e.cause.code === code ? e.cause : e;
  const name = e.name ?? '';
  const message = e.message ?? String(err);
  const host = hostOf(ctx.url);
  const via = ctx.proxy ? ` through the proxy ${ctx.proxy}` : '';
  const proxyName = ctx.proxy ? `the proxy ${ctx.proxy}` : 'the proxy';
  // undici: "Proxy response (407) !== 200 when HTTP Tunneling" (CONNECT), "Proxy Authentication Required (407)" (forwarding).
  const proxyStatus = /Proxy response \((\d+)\)|Proxy Authentication Required \((407)\)/.exec(message)?.slice(1).find(Boolean);
  if (proxyStatus === '407')
    return { code: 'proxy', cause: `${proxyName} needs authentication (HTTP 407) to reach ${host}`, hint: `put the credentials in the proxy URL: ${PROXY_VARS}=http://user:password@proxy:port` };
  if (proxyStatus !== undefined)
    return { code: 'proxy', cause: `${proxyName} refused to connect to ${host} (HTTP ${proxyStatus})`, hint: 'ask for the host to be allowed by the proxy, or, if it is reachable directly, add it to NO_PROXY' };
  if (code === 'ECONNREFUSED') {
    if (ctx.proxy) return { code: 'proxy', cause: `the proxy ${ctx.proxy} refused the connection (ECONNREFUSED)`, hint: `check the proxy address in ${PROXY_VARS}, or add ${host} to NO_PROXY to connect directly` };
    return { code: 'connection-refused', cause: `connection refused by ${host}: nothing listens there`, hint: `check --target / ASHBY_BASE_URL (host, port, http versus https); if this network reaches hosts only through a proxy, set ${PROXY_VARS}` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const what = e.hostname ?? inner.hostname ?? (ctx.proxy ? 'the proxy host' : host);
    if (ctx.proxy) return { code: 'dns', cause: `host not found: ${what}${via} (${code})`, hint: `check the proxy address in ${PROXY_VARS}` };
    return { code: 'dns', cause: `host not found: ${what} (DNS ${code})`, hint: `check the host name in --target; where only a proxy resolves outside names, set ${PROXY_VARS} (and NO_PROXY for internal hosts)` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return { code: 'connection-reset', cause: `connection to ${host}${via} reset (${code})`, hint: 'the server, a proxy or a firewall closed the connection; check http:// versus https:// in --target and the proxy settings' };
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$)/.test(code) || (!code && /certificate|ssl|tls/i.test(message)) || /certificate/i.test(message))
    return explainTls(code, message, inner, ctx);
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return { code: 'timeout', cause: `no answer from ${host}${via} within the timeout`, hint: `raise --timeout; a proxy or firewall that drops traffic looks the same (check ${PROXY_VARS} and NO_PROXY)` };
  if (code === 'ENOENT' || code === 'EACCES') return { code: 'file-read', cause: message, hint: 'check the file path and its permissions' };
  return { code: 'network', cause: `${code ? `${code}: ` : ''}${message}`, hint: `check --target and the network (${PROXY_VARS}, NO_PROXY, --ca-file)` };
}

/** Maps a thrown error to one typed TransportError (cause and hint from explainTransportError). */
export function classifyTransportError(err: unknown, request: string, ctx: ErrorContext = {}): TransportError {
  if (err instanceof TransportError) return err;
  const x = explainTransportError(err, ctx);
  const te = new TransportError(x.code, x.cause, request, x.hint);
  te.original = err;
  return te;
}
