// The network configuration and the error explanations without a network: proxy variables (case and
// precedence as undici's EnvHttpProxyAgent reads them), NO_PROXY matching, credentials hidden, the
// embedded mock kept direct, and the one mapping from an error to {cause, hint}.
import { describe, expect, it } from 'vitest';
import { bypassesProxy, createNetwork, displayProxy, explainTransportError, proxySettingsFromEnv } from '../src/client/index.ts';

describe('proxy settings from the environment', () => {
  it('lower case wins over upper case; HTTPS falls back to HTTP; NO_PROXY either case', () => {
    expect(proxySettingsFromEnv({ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' }).httpProxy).toBe('http://lower:1');
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'http://upper:2' })).toEqual({ httpProxy: 'http://upper:2', httpsProxy: 'http://upper:2', noProxy: '' });
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'http://a:1', HTTPS_PROXY: 'http://b:2' }).httpsProxy).toBe('http://b:2');
    expect(proxySettingsFromEnv({ https_proxy: 'http://c:3', HTTPS_PROXY: 'http://b:2' }).httpsProxy).toBe('http://c:3');
    expect(proxySettingsFromEnv({ no_proxy: 'a.example', NO_PROXY: 'b.example' }).noProxy).toBe('a.example');
    expect(proxySettingsFromEnv({ NO_PROXY: 'b.example' }).noProxy).toBe('b.example');
    expect(proxySettingsFromEnv({}).httpProxy).toBe('');
  });

  it('direct origins are added to NO_PROXY, except that `*` stays `*`', () => {
    expect(proxySettingsFromEnv({ NO_PROXY: 'corp.example' }, ['http://127.0.0.1:4010']).noProxy).toBe('corp.example,127.0.0.1:4010');
    expect(proxySettingsFromEnv({}, ['http://127.0.0.1:4010']).noProxy).toBe('127.0.0.1:4010');
    expect(proxySettingsFromEnv({ NO_PROXY: '*' }, ['http://127.0.0.1:4010']).noProxy).toBe('*');
  });

  it('NO_PROXY matching: host, suffix, *.suffix, host:port, `*`; loopback is proxied unless named', () => {
    const u = (s: string) => new URL(s);
    expect(bypassesProxy(u('https://api.example.com'), 'example.com')).toBe(true);
    expect(bypassesProxy(u('https://api.example.com'), '.example.com')).toBe(true);
    expect(bypassesProxy(u('https://api.example.com'), '*.example.com')).toBe(true);
    expect(bypassesProxy(u('https://notexample.com'), 'example.com')).toBe(false);
    expect(bypassesProxy(u('https://api.example.com'), 'api.example.com:8443')).toBe(false);
    expect(bypassesProxy(u('https://api.example.com:8443'), 'api.example.com:8443')).toBe(true);
    expect(bypassesProxy(u('http://127.0.0.1:9'), '')).toBe(false);
    expect(bypassesProxy(u('http://127.0.0.1:9'), 'localhost')).toBe(false);
    expect(bypassesProxy(u('http://127.0.0.1:9'), 'x.example, 127.0.0.1')).toBe(true);
    expect(bypassesProxy(u('http://anything'), '*')).toBe(true);
  });

  it('proxyFor picks the proxy by scheme and hides credentials', () => {
    const net = createNetwork({ env: { HTTP_PROXY: 'http://u:secret@proxy.corp:3128', HTTPS_PROXY: 'http://tls-proxy.corp:3129', NO_PROXY: 'internal.corp' } });
    expect(net.proxyFor('http://api.example.com/x')).toBe('http://***@proxy.corp:3128');
    expect(net.proxyFor('https://api.example.com/x')).toBe('http://tls-proxy.corp:3129');
    expect(net.proxyFor('https://s3.internal.corp/b')).toBeUndefined();
    expect(displayProxy('http://u:secret@p:1')).not.toContain('secret');
    expect(createNetwork({ env: {} }).proxyFor('https://api.example.com')).toBeUndefined();
  });

  it('no CA file: Node defaults (system CAs + NODE_EXTRA_CA_CERTS); a CA file is read and refused when unusable', () => {
    expect(createNetwork({ env: {} }).tls).toBeUndefined();
    expect(() => createNetwork({ env: {}, caFile: '/nonexistent/ca.pem' })).toThrow(/--ca-file \/nonexistent\/ca.pem: cannot read it \(ENOENT\)/);
    expect(() => createNetwork({ env: {}, caFile: import.meta.filename })).toThrow(/no PEM certificate/);
  });
});

describe('explainTransportError: one cause and a fitting hint per failure', () => {
  const url = 'https://api.staging.example:443/file.info';
  const err = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(extra.message as string ?? code), { code, ...extra });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', /is self-signed/, /--ca-file/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', /self-signed CA/, /--ca-file/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', /unknown CA/, /NODE_EXTRA_CA_CERTS/],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls', /unknown CA/, /--ca-file/],
    ['CERT_HAS_EXPIRED', 'tls', /has expired/, /renew/],
    ['ENOTFOUND', 'dns', /host not found/, /HTTPS_PROXY/],
    ['ECONNREFUSED', 'connection-refused', /connection refused by api\.staging\.example:443/, /--target/],
    ['ECONNRESET', 'connection-reset', /reset/, /proxy/],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', /within the timeout/, /--timeout/],
  ])('%s → %s', (code, kind, cause, hint) => {
    const x = explainTransportError(err(code), { url });
    expect(x.code).toBe(kind);
    expect(x.cause).toMatch(cause);
    expect(x.hint).toMatch(hint);
  });

  it('the certificate is named: from the error (wrong host name) or from the context (probe)', () => {
    const altname = err('ERR_TLS_CERT_ALTNAME_INVALID', { reason: 'Host: api.staging.example. is not in the cert\'s altnames: DNS:other.example', cert: { subject: { CN: 'other.example' }, subjectaltname: 'DNS:other.example' } });
    const x = explainTransportError(altname, { url });
    expect(x.cause).toMatch(/is for another host name \(subject CN=other\.example; names DNS:other\.example\)/);
    expect(x.hint).toMatch(/host name the certificate names/);
    const expired = explainTransportError(err('CERT_HAS_EXPIRED'), { url, certificate: { subject: 'CN=api.staging.example', issuer: 'CN=Corp CA', validTo: 'Jan  1 00:00:00 2020 GMT' } });
    expect(expired.cause).toBe('the certificate of api.staging.example:443 has expired (valid to Jan  1 00:00:00 2020 GMT) (subject CN=api.staging.example, issuer CN=Corp CA) (CERT_HAS_EXPIRED)');
  });

  it('undici wraps TLS errors of a tunnel; the inner code is used', () => {
    const wrapped = Object.assign(new Error('connect failed'), { code: 'UND_ERR_CONNECT', cause: err('DEPTH_ZERO_SELF_SIGNED_CERT') });
    expect(explainTransportError(wrapped, { url }).cause).toMatch(/self-signed/);
  });

  it('through a proxy: refusals and 407 / 403 name the proxy and point at its settings or NO_PROXY', () => {
    const proxy = 'http://proxy.corp:3128';
    const refused = explainTransportError(err('ECONNREFUSED'), { url, proxy });
    expect(refused).toMatchObject({ code: 'proxy', cause: 'the proxy http://proxy.corp:3128 refused the connection (ECONNREFUSED)' });
    expect(refused.hint).toMatch(/NO_PROXY/);
    const auth = explainTransportError(err('UND_ERR_ABORTED', { message: 'Proxy response (407) !== 200 when HTTP Tunneling' }), { url, proxy });
    expect(auth).toMatchObject({ code: 'proxy', cause: 'the proxy http://proxy.corp:3128 needs authentication (HTTP 407) to reach api.staging.example:443' });
    expect(explainTransportError(err('UND_ERR_INVALID_ARG', { message: 'Proxy Authentication Required (407)' }), { url, proxy }).code).toBe('proxy');
    const forbidden = explainTransportError(err('UND_ERR_ABORTED', { message: 'Proxy response (403) !== 200 when HTTP Tunneling' }), { url, proxy });
    expect(forbidden.cause).toMatch(/refused to connect to api\.staging\.example:443 \(HTTP 403\)/);
    expect(explainTransportError(err('ENOTFOUND', { hostname: 'proxy.corp' }), { url, proxy }).cause).toBe('host not found: proxy.corp through the proxy http://proxy.corp:3128 (ENOTFOUND)');
  });
});
