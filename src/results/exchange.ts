// One recorded HTTP exchange as reports show it: already redacted by whoever recorded it (the client
// for conformance checks), so that a failing check can show what went over the wire and a curl line
// to reproduce it without ever leaking a secret.
import type { AnswerBehaviour } from './behaviour.ts';

export interface Exchange {
  method: string;
  /** URL with its query string redacted (presigned URLs carry their signature there). */
  url: string;
  requestHeaders: Record<string, string>;
  /** Redacted request body as text; multipart uploads are summarised, never dumped byte by byte. */
  requestBody: string;
  /** undefined when no answer came (transport error). */
  status?: number;
  responseHeaders: Record<string, string>;
  /** Redacted, truncated response body. */
  responseBody: string;
  durationMs: number;
  /** Set when the exchange ended in a transport error. */
  error?: string;
  /** A curl command reproducing the request with secrets replaced by environment variables or markers. */
  curl: string;
  /** What the answer showed of the target's behaviour (shapes and codes, no values), from the raw answer. */
  behaviour?: AnswerBehaviour;
}
