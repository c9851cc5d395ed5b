// `upload-harness load`: its options and --help text, kept apart from the command so that `--help`
// loads only this module (the implementation, src/cli/load.ts, is imported when the command runs).
import { NETWORK_OPTIONS, PROXY_HELP } from './network-option-table.ts';
import { WORKLOAD_OPTIONS as W } from './workload-option-table.ts';
import { optionsHelp, type OptionTable } from './option-table.ts';

const K6 = 'k6 engine';

/** Every option of `load` (format: src/cli/option-table.ts). */
export const OPTIONS = {
  engine: { type: 'string', value: 'auto|k6|node', help: 'auto (default) uses k6 when found (K6_BIN or PATH), else node' },
  scenario: W.scenario,
  rate: W.rate,
  stages: { type: 'string', value: '10s:50,30s:200', help: 'ramping arrival rate: duration:target per stage (exclusive with --rate)' },
  'start-rate': { type: 'string', value: 'N', default: 0, help: 'rate the first stage ramps from' },
  duration: W.duration,
  'file-sizes': W['file-sizes'],
  mix: W.mix,
  threshold: W.threshold,
  baseline: { type: 'string', value: 'FILE', help: 'compare with an earlier results.json' },
  'max-regression': { type: 'string', value: 'P%', default: '10%', help: 'allowed regression against the baseline' },
  target: W.target,
  'api-key': { type: 'string', value: 'K', env: 'ASHBY_API_KEY', help: '' },
  'job-posting-id': W['job-posting-id'],
  'max-vus': W['max-vus'],
  'max-start-delay': { type: 'string', value: 'D', default: '1s', help: 'an iteration that starts later than this after its due time counts as late' },
  'allow-rate-shortfall': { type: 'boolean', help: 'report a rate the run did not hold, but do not exit 99 for it' },
  'report-dir': { type: 'string', value: 'DIR', default: 'reports/load', help: '' },
  'i-understand-this-hits-production': W['i-understand-this-hits-production'],
  'mock-fault': { type: 'string', multiple: true, value: 'SPEC', help: 'fault of the embedded mock, repeatable (random-5xx=0.2, latency=50)' },
  'k6-docker': { type: 'boolean', group: K6, help: 'run k6 as the grafana/k6 docker image' },
  'k6-dashboard': { type: 'boolean', group: K6, help: "also export k6's web dashboard (bound to 127.0.0.1)" },
  segments: { type: 'string', value: 'N', group: K6, help: 'run k6 as N processes with execution segments' },
  'execution-segment': { type: 'string', value: 'A:B', group: K6, help: 'run only this segment (one machine of several) [+ --execution-segment-sequence]' },
  'execution-segment-sequence': { type: 'string', value: 'SEQ', group: K6, help: 'all segments of the machines, e.g. 0,1/4,2/4,3/4,1' },
  'print-commands': { type: 'boolean', group: K6, help: 'print the k6 commands (one per segment/machine) instead of running' },
  ...NETWORK_OPTIONS,
} as const satisfies OptionTable;

export const HELP = `upload-harness load [options]

Open-model load test (arrival rate, like k6's constant-/ramping-arrival-rate) of the presigned upload
flow. Writes <report-dir>/{index.html,results.json,junit.xml}.

Options (environment variable in brackets; flags win):
${optionsHelp(OPTIONS)}
${PROXY_HELP} The node engine applies --ca-file; k6 reads the proxy variables itself and trusts the system CAs.

Ctrl-C or SIGTERM stops starting iterations and lets in-flight ones finish (graceful stop); a second
one aborts them. Either way the reports are written from what was recorded, marked incomplete.

Rate held: a run whose achieved arrival rate is below 95 % of the target, or whose late + dropped
iterations exceed 1 % of those scheduled, is marked "rate not held" (console, HTML, JSON, JUnit) and
exits 99 like a failed threshold, unless --allow-rate-shortfall.

Exit codes: 0 ok, 2 usage or harness error or the run was interrupted (incomplete),
99 a threshold failed, the baseline regressed, or the rate was not held.

Examples:
  upload-harness load --engine node --scenario full-flow --rate 50 --duration 10s
  upload-harness load --stages 10s:50,30s:200 --threshold 'handle_create_duration:p(95)<300'
  upload-harness load --mock-fault random-5xx=0.2 --threshold 'http_req_failed:rate<0.01'
  upload-harness load --baseline reports/nightly/results.json --max-regression 10%
  upload-harness load --engine k6 --segments 4 --print-commands`;
