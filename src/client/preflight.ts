// One request before a run (conform, load, doctor): an unreachable target becomes one clear error —
// cause and hint from explainTransportError, the certificate named when TLS verification failed —
// instead of seventy errored checks or a load run of failed iterations.
import { HarnessError } from '../config/errors.ts';
import { apiKeyInfo } from '../protocol/index.ts';
import { ApiClient, type ApiClientOptions } from './api-client.ts';
import { readPeerCertificate } from './certificate-probe.ts';
import { network } from './dispatcher.ts';
import { classifyTransportError, TransportError } from './errors.ts';

/** A TLS error of a direct connection, explained again with the server's certificate named. */
async function withCertificate(err: TransportError, url: string): Promise<TransportError> {
  if (err.code !== 'tls' || err.detail.includes('(subject ') || network().proxyFor(url)) return err;
  const certificate = await readPeerCertificate(url);
  if (!certificate) return err;
  return err.original === undefined ? err : classifyTransportError(err.original, err.request, { url, certificate });
}

/** The TransportError of a first apiKey.info call, or undefined when the target answered (any status). */
export async function probeTarget(baseUrl: string, apiKey: string, http: ApiClientOptions['http']): Promise<TransportError | undefined> {
  try {
    await new ApiClient({ baseUrl, http: { maxRetries: 0, ...http } }).call(apiKeyInfo(), { value: apiKey, envVar: 'ASHBY_API_KEY' });
    return undefined;
  } catch (err) {
    if (err instanceof TransportError) return withCertificate(err, baseUrl);
    throw err;
  }
}

/** Throws a HarnessError (exit 2) naming the cause and a fitting hint when the target cannot be reached. */
export async function preflight(baseUrl: string, apiKey: string, timeoutMs: number): Promise<void> {
  const err = await probeTarget(baseUrl, apiKey, { timeoutMs });
  if (err) throw new HarnessError('target-unreachable', `cannot reach ${baseUrl}: ${err.code}: ${err.detail}`, err.hint);
}
