// Typed transport errors: the target could not be talked to at all (refused, DNS, TLS, reset, hang, an
// HTML page instead of the API). A check that meets one is ERRORED, never failed: the harness did not
// get an answer to judge (DESIGN §5, Schemathesis' "errored" class).

export type TransportErrorCode =
  | 'connection-refused'
  | 'dns'
  | 'tls'
  | 'connection-reset'
  | 'timeout'
  | 'html-answer'
  | 'retries-exhausted'
  | 'file-read'
  | 'network';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    /** Method and redacted URL of the request that met the error. */
    readonly request: string,
  ) {
    super(`${code}: ${message} (${request})`);
    this.name = 'TransportError';
  }
}

/** Maps what undici/Node throw (errno codes, TLS codes, undici error classes) to one typed error. */
export function classifyTransportError(err: unknown, request: string): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const name = e?.name ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ECONNREFUSED') return new TransportError('connection-refused', 'connection refused', request);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('dns', `host not found (${code})`, request);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return new TransportError('connection-reset', `connection reset (${code})`, request);
  if (/^(ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code) || /certificate|ssl|tls/i.test(message))
    return new TransportError('tls', `TLS failure (${code || message})`, request);
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new TransportError('timeout', 'no answer within the timeout', request);
  if (code === 'ENOENT' || code === 'EACCES') return new TransportError('file-read', message, request);
  return new TransportError('network', `${code ? `${code}: ` : ''}${message}`, request);
}
