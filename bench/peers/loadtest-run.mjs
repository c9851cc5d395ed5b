// One `loadtest --rps` run (npm loadtest, an open-model load tool users pick instead), for bench/peers.ts.
// argv[2]: JSON {url, body, headers, rps, seconds, concurrency}. Prints the result JSON on one line.
import { loadTest } from 'loadtest';

const o = JSON.parse(process.argv[2]);
const result = await loadTest({
  url: o.url,
  method: 'POST',
  body: o.body,
  contentType: 'application/json',
  headers: o.headers,
  requestsPerSecond: o.rps,
  maxSeconds: o.seconds,
  concurrency: o.concurrency,
  agentKeepAlive: true,
  timeout: 10_000,
  quiet: true,
});
process.stdout.write(`${JSON.stringify({ totalRequests: result.totalRequests, totalErrors: result.totalErrors, effectiveRps: result.effectiveRps, meanLatencyMs: result.meanLatencyMs, totalTimeSeconds: result.totalTimeSeconds })}\n`);
