// `conform --har FILE`: the run's exchanges as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/),
// the format browsers, k6 Studio and proxies read. Built from the results model, whose exchanges were
// redacted when they were recorded: the same secret-free texts the report shows (Authorization, policies,
// signatures and presigned query strings replaced), bodies truncated as there.
import type { Exchange, RunResults } from '../results/index.ts';

const pairs = (h: Record<string, string>) => Object.entries(h).map(([name, value]) => ({ name, value }));

function entry(e: Exchange, check: string, startedAt: string) {
  const time = Math.max(0, e.durationMs);
  const requestType = e.requestHeaders['content-type'] ?? '';
  return {
    // The results keep each exchange's duration, not its start: the run's start stands for all of them.
    startedDateTime: startedAt,
    time,
    request: {
      method: e.method,
      url: e.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.requestHeaders),
      queryString: [],
      ...(e.requestBody !== '' ? { postData: { mimeType: requestType, text: e.requestBody } } : {}),
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: e.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.responseHeaders),
      content: { size: -1, mimeType: e.responseHeaders['content-type'] ?? '', text: e.responseBody },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      ...(e.error ? { _error: e.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait: time, receive: 0 },
    comment: check,
  };
}

/** HAR 1.2 of every exchange of the run, in check order, each entry's comment naming its check. */
export function toHar(results: RunResults, version: string): string {
  const entries = results.checks.flatMap((c) => c.exchanges.map((e) => entry(e, c.id, results.startedAt)));
  return `${JSON.stringify({ log: { version: '1.2', creator: { name: 'upload-harness', version }, comment: `conform against ${results.target.name}`, entries } }, null, 2)}\n`;
}
