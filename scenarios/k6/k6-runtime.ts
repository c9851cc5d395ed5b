// Everything the k6 entries share: options from __ENV (arrival-rate executors, decoded by the UH_*
// contract in ../flows/k6-env.ts), the k6 Transport on http.asyncRequest, per-stage Trend metrics and
// checks, and handleSummary. Runs inside k6's JS runtime (https://grafana.com/docs/k6/latest/javascript-api/):
// no Node built-ins, no npm packages, no TextEncoder.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  checkK6Env,
  concatBody,
  createFlow,
  decodeK6Flow,
  decodeK6Schedule,
  decodeK6Thresholds,
  k6RateUnit,
  K6_ENV,
  parseContextMix,
  parseFileSizeMix,
  type Flow,
  type ScenarioName,
  type Stage,
  type StageObserver,
  type Transport,
  type WorkerState,
} from '../flows/index.ts';

/**
 * The k6 options of a scenario: one arrival-rate scenario named after it (UH_* as in flows/k6-env.ts),
 * after the same check of the settings `load` and `k8s` make (a bad setting stops k6 at start, with
 * the harness's message, instead of failing every iteration).
 */
export function buildOptions(scenario: ScenarioName): Options {
  checkK6Env(__ENV, scenario);
  const schedule = decodeK6Schedule(__ENV);
  const { preAllocatedVUs, maxVUs } = schedule;
  const { scale, timeUnit } = k6RateUnit(schedule);
  const executor =
    schedule.kind === 'ramping'
      ? {
          executor: 'ramping-arrival-rate' as const,
          startRate: Math.round(schedule.startRate * scale),
          timeUnit,
          stages: schedule.stages.map((s) => ({ duration: `${s.durationMs}ms`, target: Math.round(s.target * scale) })),
          preAllocatedVUs,
          maxVUs,
        }
      : { executor: 'constant-arrival-rate' as const, rate: Math.round(schedule.rate * scale), timeUnit, duration: schedule.duration, preAllocatedVUs, maxVUs };
  return {
    scenarios: { [scenario.replace(/-/g, '_')]: executor },
    thresholds: decodeK6Thresholds(__ENV),
    // Only bodies the flow reads are kept (handle and attach answers); uploads ask for none.
    discardResponseBodies: true,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  };
}

const stageTrends: Record<Stage, Trend> = {
  handle_create: new Trend('handle_create_duration', true),
  upload: new Trend('upload_duration', true),
  attach: new Trend('attach_duration', true),
  setup: new Trend('setup_duration', true),
};
const bytesSent = new Counter('stage_bytes_sent');
const bytesReceived = new Counter('stage_bytes_received');
const flowSuccess = new Rate('flow_success');

const observer: StageObserver = {
  stage(stage, ok, durationMs, sent, received) {
    const tags = { stage, ok: ok ? 'true' : 'false' };
    stageTrends[stage].add(durationMs, tags);
    bytesSent.add(sent, { stage });
    bytesReceived.add(received, { stage });
    check(ok, { [`${stage} succeeded`]: (v) => v === true }, { stage });
  },
};

/** http.asyncRequest with the body as one ArrayBuffer (never http.file: k6 would shuffle the parts). */
const transport: Transport = {
  async request(req) {
    let body: string | ArrayBuffer;
    if (typeof req.body === 'string') body = req.body;
    else {
      const bytes = concatBody(req.body);
      body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }
    const res = await http.asyncRequest(req.method, req.url, body, {
      headers: req.headers,
      tags: req.tags,
      responseType: req.tags.stage === 'upload' ? 'none' : 'text',
    });
    return {
      status: res.status,
      body: typeof res.body === 'string' ? res.body : '',
      durationMs: res.timings.duration,
      error: res.error || undefined,
    };
  },
};

let flow: Flow | undefined;
let worker: WorkerState | undefined;

/** The default function of an entry: one flow iteration per call, state kept per VU. */
export function makeIteration(scenario: ScenarioName): () => Promise<void> {
  return async () => {
    if (!flow) {
      const e = decodeK6Flow(__ENV);
      flow = createFlow({ scenario, baseUrl: e.baseUrl, apiKey: e.apiKey, fileSizes: parseFileSizeMix(e.fileSizes), contexts: parseContextMix(e.mix), jobPostingId: e.jobPostingId });
    }
    worker ??= flow.newWorker(__VU);
    const ok = await flow.iterate(transport, observer, worker, exec.scenario.iterationInTest);
    flowSuccess.add(ok);
  };
}

/** Writes k6's end-of-test data where the harness expects it (the runner also reads --out json). */
export function summaryOutputs(data: unknown): Record<string, string> {
  const path = __ENV[K6_ENV.summary];
  const out: Record<string, string> = { stdout: '' };
  if (path) out[path] = JSON.stringify(data);
  return out;
}
