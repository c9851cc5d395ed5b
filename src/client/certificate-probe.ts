// Names the certificate a server presents, for an error message only. Node's verification errors
// (self-signed, unknown CA, expired) do not carry the certificate, so after such a failure one extra
// handshake without verification reads its subject, issuer and validity. It sends no request and no
// secret, and its result is never used to talk to the server; direct connections only (through a
// proxy the tunnel would have to be rebuilt for a message).
import { connect } from 'node:tls';
import { formatDistinguishedName, type CertificateInfo } from './errors.ts';

export function readPeerCertificate(url: string, timeoutMs = 3_000): Promise<CertificateInfo | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(undefined);
  }
  if (u.protocol !== 'https:') return Promise.resolve(undefined);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(u.port) || 443, servername, rejectUnauthorized: false, timeout: timeoutMs });
    const done = (info: CertificateInfo | undefined) => {
      socket.destroy();
      resolve(info);
    };
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const subject = formatDistinguishedName(cert?.subject as unknown as Record<string, string> | undefined);
      done(subject ? { subject, issuer: formatDistinguishedName(cert.issuer as unknown as Record<string, string>), validTo: cert.valid_to, altNames: cert.subjectaltname } : undefined);
    });
    socket.once('error', () => done(undefined));
    socket.once('timeout', () => done(undefined));
  });
}
