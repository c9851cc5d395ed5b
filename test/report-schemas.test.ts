// The JSON Schemas of the two machine-readable reports (schemas/reports/): they compile under Ajv 2020
// strict, their enums and field sets are pinned to the code (the TypeScript models via compile-time
// maps, the constants via equality), real files written by a conformance run and by short load runs
// against the embedded mock validate, and mutated copies are rejected with an error naming the field.
// The API-message loader (src/validation, schemas/*.json only) must not see the report schemas.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/flows/index.ts';
import { parseLoadArgs, runLoadWithReports } from '../src/cli/load.ts';
import { writeReports } from '../src/cli/report-files.ts';
import { GROUPS, LEVELS } from '../src/conformance/catalogue.ts';
import { loadDeviations } from '../src/conformance/deviations.ts';
import { startMockTarget, type MockTarget } from '../src/conformance/mock-target.ts';
import { ConformanceSession } from '../src/conformance/runner.ts';
import { mergeResults } from '../src/load/merge.ts';
import {
  CONFORMANCE_RESULTS_VERSION as CONFORMANCE_VERSION,
  LOAD_RESULTS_KIND as RESULTS_KIND,
  LOAD_RESULTS_VERSION as LOAD_VERSION,
  STAGE_NAMES,
  STATUSES,
  type CheckResult,
  type DelaySummary,
  type InjectedFault,
  type RateRecord,
  type Counts,
  type Exchange,
  type LatencyStats,
  type RunResults,
  type BaselineComparison,
  type BaselineRow,
  type EngineName,
  type LoadOptionsRecord,
  type LoadResults,
  type SecondBucket,
  type SecondStage,
  type StageSummary,
  type ThresholdOutcome,
  BEHAVIOUR_RECORD_KIND,
  BEHAVIOUR_RECORD_VERSION,
  CHANGE_KINDS,
  type AnswerBehaviour,
  type BehaviourChange,
  type BehaviourComparison,
  type BehaviourRecord,
  type CheckBehaviour,
  type ExchangeBehaviour,
  DRIFT_RESULTS_KIND,
  DRIFT_RESULTS_VERSION,
  type DriftDifference,
  type DriftResults,
} from '../src/results/index.ts';
import { driftDifferences } from '../src/behaviour/drift.ts';
import { compareBehaviour } from '../src/behaviour/diff.ts';
import { behaviourRecord } from '../src/behaviour/record.ts';
import { SCHEMA_DIR, schemaNames, validate } from '../src/validation/index.ts';

type Json = Record<string, unknown>;
/** A results document as the mutation tests poke at it: any path, any value (deliberately untyped). */
type Mutable = any;
const REPORT_DIR = join(SCHEMA_DIR, 'reports');
const readSchema = (file: string) => JSON.parse(readFileSync(join(REPORT_DIR, file), 'utf8')) as Json;
const conformanceSchema = readSchema('conformance-results.json');
const loadSchema = readSchema('load-results.json');
const behaviourSchema = readSchema('behaviour-record.json');
const driftSchema = readSchema('drift-results.json');

// Strict, and without the loader's allowUnionTypes: the schemas must compile for a CI user's plain strict Ajv 2020.
const ajv = new Ajv2020({ strict: true, allErrors: true });
// conformance-results.json refers to behaviour-record.json's definitions (the comparison, an answer's behaviour).
const validateBehaviour = ajv.compile(behaviourSchema);
const validateConformance = ajv.compile(conformanceSchema);
const validateDrift = ajv.compile(driftSchema);
const validateLoad = ajv.compile(loadSchema);

/** One line per error, naming the field: the path, Ajv's message and its params (the missing or extra property). */
const explain = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`).join('\n');

function expectValid(fn: ValidateFunction, data: unknown): void {
  const ok = fn(data);
  expect(ok ? '' : explain(fn.errors)).toBe('');
}

/** The mutated copy must be rejected, and every listed fragment must appear in the error text. */
function expectRejected(fn: ValidateFunction, data: unknown, ...naming: string[]): string {
  expect(fn(data)).toBe(false);
  const text = explain(fn.errors);
  for (const n of naming) expect(text).toContain(n);
  return text;
}

/** The sub-schema at a JSON pointer ('#/properties/run'), following a `$ref` to $defs when it ends on one. */
function node(schema: Json, pointer: string): Json {
  let at: unknown = schema;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) at = (at as Json)[part];
  const ref = (at as Json).$ref;
  return typeof ref === 'string' && ref.startsWith('#/') ? node(schema, ref) : (at as Json);
}

// Field sets of the TypeScript models, checked by tsc: a field added to, removed from or made optional
// in a model breaks these maps, and the test below then holds the schema to the map.
type Presence<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };

function expectFields(schema: Json, pointer: string, fields: Record<string, 'required' | 'optional'>): void {
  const s = node(schema, pointer);
  expect(Object.keys(s.properties as Json).sort(), pointer).toEqual(Object.keys(fields).sort());
  expect([...((s.required as string[]) ?? [])].sort(), pointer).toEqual(Object.keys(fields).filter((k) => fields[k] === 'required').sort());
  expect(s.additionalProperties, pointer).toBe(false);
}

/** Every property of every object schema (and every $defs entry) has a non-empty description. */
function undescribed(schema: unknown, path = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  if (Array.isArray(schema)) return schema.flatMap((s, i) => undescribed(s, `${path}/${i}`));
  const out: string[] = [];
  for (const [key, value] of Object.entries(schema as Json)) {
    if ((key === 'properties' || key === '$defs') && typeof value === 'object' && value) {
      for (const [name, sub] of Object.entries(value as Json)) {
        const d = (sub as Json).description;
        if (typeof d !== 'string' || d.trim() === '') out.push(`${path}/${key}/${name}`);
      }
    }
    out.push(...undescribed(value, `${path}/${key}`));
  }
  return out;
}

describe('report schemas: compile and stay in step with the code', () => {
  it('are draft 2020-12 with $ids under https://upload-harness.dev/schemas/reports/ and describe every field', () => {
    for (const [schema, file] of [[conformanceSchema, 'conformance-results.json'], [loadSchema, 'load-results.json'], [behaviourSchema, 'behaviour-record.json'], [driftSchema, 'drift-results.json']] as const) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://upload-harness.dev/schemas/reports/${file}`);
      expect(typeof schema.description).toBe('string');
      expect(undescribed(schema)).toEqual([]);
    }
    // client-results.json (verify-client) is checked the same way in test/verify/client-results-schema.test.ts.
    expect(readdirSync(REPORT_DIR).sort()).toEqual(['behaviour-record.json', 'client-results.json', 'conformance-results.json', 'drift-results.json', 'load-results.json']);
  });

  it('conformance: versions, statuses, levels and groups equal the code constants', () => {
    expect(node(conformanceSchema, '#/properties/schemaVersion').const).toBe(CONFORMANCE_VERSION);
    expect(node(conformanceSchema, '#/$defs/status').enum).toEqual([...STATUSES]);
    expect(node(conformanceSchema, '#/$defs/level').enum).toEqual([...LEVELS]);
    expect(node(conformanceSchema, '#/$defs/group').enum).toEqual([...GROUPS]);
    const byGroup = node(conformanceSchema, '#/properties/summary/properties/byGroup');
    expect(Object.keys(byGroup.properties as Json)).toEqual([...GROUPS]);
    expect(byGroup.required).toEqual([...GROUPS]);
    const byLevel = node(conformanceSchema, '#/properties/summary/properties/byLevel');
    expect(Object.keys(byLevel.properties as Json)).toEqual([...LEVELS]);
    expect(byLevel.required).toEqual([...LEVELS]);
    expect(node(conformanceSchema, '#/properties/exitCode').enum).toEqual([0, 1, 2]);
  });

  it('conformance: field sets and required fields equal the TypeScript model', () => {
    const results: Presence<RunResults> = {
      schemaVersion: 'required', tool: 'required', target: 'required', options: 'required', startedAt: 'required', durationMs: 'required',
      summary: 'required', harnessErrors: 'required', exitCode: 'required', incomplete: 'optional', changes: 'optional', checks: 'required',
    };
    const target: Presence<RunResults['target']> = { name: 'required', baseUrl: 'required', mock: 'required' };
    const options: Presence<RunResults['options']> = { strict: 'required', slow: 'required', allowWrites: 'required', only: 'required' };
    const summary: Presence<RunResults['summary']> = { counts: 'required', byGroup: 'required', byLevel: 'required' };
    const counts: Presence<Counts> = { total: 'required', pass: 'required', fail: 'required', warn: 'required', skip: 'required', error: 'required' };
    const check: Presence<CheckResult> = {
      id: 'required', title: 'required', group: 'required', level: 'required', source: 'required', status: 'required', message: 'optional',
      expected: 'optional', received: 'optional', observations: 'required', deviation: 'optional', exchanges: 'required', curl: 'optional', durationMs: 'required',
    };
    const exchange: Presence<Exchange> = {
      method: 'required', url: 'required', requestHeaders: 'required', requestBody: 'required', status: 'optional', responseHeaders: 'required',
      responseBody: 'required', durationMs: 'required', error: 'optional', curl: 'required', behaviour: 'optional',
    };
    expectFields(conformanceSchema, '#', results);
    expectFields(conformanceSchema, '#/properties/target', target);
    expectFields(conformanceSchema, '#/properties/options', options);
    expectFields(conformanceSchema, '#/properties/summary', summary);
    expectFields(conformanceSchema, '#/$defs/counts', counts);
    expect(node(conformanceSchema, '#/$defs/counts').required).toEqual(['total', ...STATUSES]);
    expectFields(conformanceSchema, '#/$defs/check', check);
    expectFields(conformanceSchema, '#/$defs/exchange', exchange);
  });

  it('load: kind, version, scenarios, engines and stage names equal the code constants', () => {
    const engines = { node: true, k6: true } satisfies Record<EngineName, true>;
    expect(node(loadSchema, '#/properties/kind').const).toBe(RESULTS_KIND);
    expect(node(loadSchema, '#/properties/schemaVersion').const).toBe(LOAD_VERSION);
    expect(node(loadSchema, '#/$defs/scenario').enum).toEqual([...SCENARIOS]);
    expect(node(loadSchema, '#/properties/engine').enum).toEqual(Object.keys(engines));
    for (const p of ['#/properties/stages', '#/$defs/secondBucket/properties/stages', '#/properties/intended/properties/stages']) {
      const s = node(loadSchema, p);
      expect(Object.keys(s.properties as Json).sort(), p).toEqual([...STAGE_NAMES].sort());
      expect(s.additionalProperties, p).toBe(false);
    }
  });

  it('load: field sets and required fields equal the TypeScript model', () => {
    const results: Presence<LoadResults> = {
      kind: 'required', schemaVersion: 'required', scenario: 'required', engine: 'required', target: 'required', options: 'required', run: 'required',
      totals: 'required', stages: 'required', http: 'required', iteration: 'required', series: 'required', errors: 'required', thresholds: 'required', baseline: 'optional',
      intended: 'optional', rate: 'required', faults: 'required',
    };
    const options: Presence<LoadOptionsRecord> = {
      scenario: 'required', rate: 'optional', stages: 'optional', durationMs: 'required', fileSizes: 'required', mix: 'required', maxVUs: 'required',
      maxStartDelayMs: 'required', thresholds: 'required', executionSegment: 'optional',
    };
    const rateStage: Presence<NonNullable<LoadOptionsRecord['stages']>[number]> = { durationMs: 'required', target: 'required' };
    const run: Presence<LoadResults['run']> = {
      id: 'required', mergedFrom: 'optional', sequential: 'optional', startedAt: 'required', finishedAt: 'required', durationMs: 'required', harnessVersion: 'required', nodeVersion: 'required', hostname: 'required',
      instances: 'required', k6ExitCode: 'optional', k6TestRunDurationMs: 'optional', incomplete: 'optional',
    };
    const incomplete: Presence<NonNullable<LoadResults['run']['incomplete']>> = { signal: 'required', aborted: 'required', plannedDurationMs: 'required', actualDurationMs: 'required' };
    const intended: Presence<NonNullable<LoadResults['intended']>> = { iteration: 'required', stages: 'required' };
    const totals: Presence<LoadResults['totals']> = {
      iterations: 'required', iterationsFailed: 'required', droppedIterations: 'required', httpReqs: 'required', httpReqFailed: 'required',
      checksPassed: 'required', checksFailed: 'required', bytesSent: 'required', bytesReceived: 'required', achievedRate: 'required',
    };
    const stage: Presence<StageSummary> = { count: 'required', errors: 'required', bytesSent: 'required', bytesReceived: 'required', latencyMs: 'required', histogram: 'required' };
    const latency: Presence<LatencyStats> = { min: 'required', avg: 'required', med: 'required', p90: 'required', p95: 'required', p99: 'required', max: 'required' };
    const second: Presence<SecondBucket> = {
      t: 'required', scheduled: 'required', started: 'required', late: 'optional', completed: 'required', failed: 'required', dropped: 'required', httpReqs: 'required', httpFailed: 'required',
      bytesSent: 'required', bytesReceived: 'required', stages: 'required',
    };
    const secondStage: Presence<SecondStage> = { count: 'required', errors: 'required', p50: 'required', p90: 'required', p95: 'required', p99: 'required', histogram: 'required' };
    const threshold: Presence<ThresholdOutcome> = { metric: 'required', expression: 'required', ok: 'required', actual: 'required', message: 'required' };
    const baseline: Presence<BaselineComparison> = { file: 'required', maxRegressionPct: 'required', rows: 'required', ok: 'required' };
    const row: Presence<BaselineRow> = { metric: 'required', baseline: 'required', current: 'required', deltaPct: 'required', regression: 'required' };
    const rate: Presence<RateRecord> = {
      targetRate: 'required', scheduled: 'required', started: 'required', startRate: 'required', achievedRate: 'required', windowMs: 'required', maxStartDelayMs: 'required',
      late: 'optional', startDelay: 'optional', dropped: 'required', maxVUs: 'required', generator: 'optional', held: 'required', allowShortfall: 'required', shortfalls: 'required',
      notMeasured: 'required',
    };
    const dropped: Presence<RateRecord['dropped']> = { maxVUs: 'required', notStarted: 'required' };
    const vus: Presence<RateRecord['maxVUs']> = { limit: 'required', peak: 'optional', exhausted: 'required', warning: 'optional' };
    const generator: Presence<NonNullable<RateRecord['generator']>> = { eventLoopUtilization: 'required', eventLoopDelayMs: 'required', saturated: 'required' };
    const delay: Presence<DelaySummary> = { count: 'required', ms: 'required', histogram: 'required' };
    const fault: Presence<InjectedFault> = { spec: 'required', source: 'required', fromMs: 'required', untilMs: 'required' };
    expectFields(loadSchema, '#', results);
    expectFields(loadSchema, '#/properties/options', options);
    expectFields(loadSchema, '#/properties/options/properties/stages/items', rateStage);
    expectFields(loadSchema, '#/properties/run', run);
    expectFields(loadSchema, '#/properties/run/properties/incomplete', incomplete);
    expectFields(loadSchema, '#/properties/intended', intended);
    expectFields(loadSchema, '#/properties/totals', totals);
    expectFields(loadSchema, '#/$defs/stageSummary', stage);
    expectFields(loadSchema, '#/$defs/latencyStats', latency);
    expectFields(loadSchema, '#/$defs/secondBucket', second);
    expectFields(loadSchema, '#/$defs/secondStage', secondStage);
    expectFields(loadSchema, '#/$defs/thresholdOutcome', threshold);
    expectFields(loadSchema, '#/$defs/baselineComparison', baseline);
    expectFields(loadSchema, '#/$defs/baselineRow', row);
    expectFields(loadSchema, '#/$defs/rateRecord', rate);
    expectFields(loadSchema, '#/$defs/rateRecord/properties/dropped', dropped);
    expectFields(loadSchema, '#/$defs/rateRecord/properties/maxVUs', vus);
    expectFields(loadSchema, '#/$defs/rateRecord/properties/generator', generator);
    expectFields(loadSchema, '#/$defs/delaySummary', delay);
    expectFields(loadSchema, '#/$defs/injectedFault', fault);
    const sources = { 'mock-fault': true, 'control-api': true } satisfies Record<InjectedFault['source'], true>;
    expect(node(loadSchema, '#/$defs/injectedFault/properties/source').enum).toEqual(Object.keys(sources));
  });

  // The loaders skip Ajv's meta-schema check at run time (it cost every process ~20–40 ms): it is made
  // here, once, for every schema the package ships, and each one compiles in strict mode.
  it('every schema file is valid draft 2020-12 and compiles in strict mode', () => {
    for (const dir of [SCHEMA_DIR, join(SCHEMA_DIR, 'reports')]) {
      const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(3);
      const schemas = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $id?: string });
      for (const [i, schema] of schemas.entries()) {
        expect(ajv.validateSchema(schema), `${files[i]}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
        ajv.addSchema(schema, schema.$id ? undefined : files[i]);
      }
      for (const [i, schema] of schemas.entries()) expect(ajv.getSchema(schema.$id ?? files[i]!), files[i]).toBeTypeOf('function');
    }
    const broken = new Ajv2020({ strict: true });
    expect(broken.validateSchema({ type: 'strin' }), 'the check can fail').toBe(false);
  });

  it('the API-message loader (schemas/*.json, Ajv strict) does not see schemas/reports/ and still works', () => {
    const topLevel = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
    expect(schemaNames()).toEqual(topLevel);
    expect(schemaNames().some((n) => n.includes('results') || n.includes('/'))).toBe(false);
    // validate() compiles every top-level schema into one strict Ajv on first use.
    expect(validate('success-envelope', { success: true, results: {} }).ok).toBe(true);
    expect(validate('error-envelope', { success: true }).ok).toBe(false);
  });
});

describe('a real conformance results.json against the embedded mock', () => {
  let mock: MockTarget;
  let dir: string;
  let clean: RunResults;
  let faulty: RunResults;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uh-report-schemas-conf-'));
    mock = await startMockTarget({ timeoutMs: 10_000 });
    const session = await ConformanceSession.open({ target: mock.target, strict: false, only: ['envelope'], deviations: loadDeviations('mock'), maxWorkers: 1 });
    try {
      // As `conform` writes it: through the one report writer, read back from disk.
      const written = async (r: RunResults, sub: string) => JSON.parse(await readFile((await writeReports(join(dir, sub), 'conformance', r, [])).json, 'utf8')) as RunResults;
      clean = await written(await session.run(), 'clean');
      mock.setFaults(['response-schema-drift', 'error-as-500']);
      faulty = await written(await session.run(), 'faulty');
    } finally {
      await session.close();
    }
  }, 60_000);

  afterAll(async () => {
    await mock?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a passing run and a failing run (message/expected/received set) both validate', () => {
    expect(clean.exitCode).toBe(0);
    expect(clean.checks.length).toBeGreaterThan(0);
    expectValid(validateConformance, clean);
    expect(faulty.exitCode).toBe(1);
    const failed = faulty.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(expect.arrayContaining(['envelope.handle.schema', 'envelope.error.http-200']));
    expect(failed[0]).toMatchObject({ message: expect.any(String), expected: expect.any(String), received: expect.any(String) });
    expectValid(validateConformance, faulty);
  });

  it('shapes the short run does not produce validate too: incomplete, deviation, skip, transport error', () => {
    const r = structuredClone(faulty);
    r.incomplete = true;
    r.exitCode = 2;
    r.harnessErrors = ['interrupted (SIGINT): the run was cancelled, results are partial'];
    r.checks[0] = { ...r.checks[0]!, status: 'warn', deviation: 'known', message: 'known deviation (known): x' };
    r.checks[1] = { ...r.checks[1]!, status: 'skip', message: 'not run: the run was interrupted', exchanges: [] };
    delete r.checks[1].curl;
    const { status: _status, ...noAnswer } = r.checks[2]!.exchanges[0]!;
    r.checks[2] = { ...r.checks[2]!, status: 'error', message: 'transport error: connection-refused', exchanges: [{ ...noAnswer, responseHeaders: {}, responseBody: '', error: 'connection-refused' }] };
    expectValid(validateConformance, r);
  });

  it('mutated copies are rejected with an error naming the field', () => {
    const m = (f: (r: Mutable) => void) => {
      const r = structuredClone(clean) as Mutable;
      f(r);
      return r;
    };
    expectRejected(validateConformance, m((r) => (r.checks[0].status = 'passed')), '/checks/0/status', 'must be equal to one of the allowed values');
    expectRejected(validateConformance, m((r) => delete r.exitCode), "must have required property 'exitCode'");
    expectRejected(validateConformance, m((r) => (r.bogus = 1)), 'must NOT have additional properties', '"additionalProperty":"bogus"');
    expectRejected(validateConformance, m((r) => (r.checks[0].level = 'MAY')), '/checks/0/level');
    expectRejected(validateConformance, m((r) => (r.options.only = ['everything'])), '/options/only/0');
    expectRejected(validateConformance, m((r) => delete r.summary.byGroup.storage), '/summary/byGroup', "'storage'");
    expectRejected(validateConformance, m((r) => delete r.checks[0].observations), '/checks/0', "'observations'");
    expectRejected(validateConformance, m((r) => (r.checks[0].exchanges[0].status = '200')), '/checks/0/exchanges/0/status', 'must be integer');
    expectRejected(validateConformance, m((r) => (r.schemaVersion = 2)), '/schemaVersion', 'must be equal to constant');
    expectRejected(validateConformance, m((r) => (r.startedAt = 'yesterday')), '/startedAt', 'must match pattern');
    expectRejected(validateConformance, m((r) => (r.incomplete = false)), '/incomplete');
    expectRejected(validateConformance, m((r) => (r.checks[0].extra = 'x')), '/checks/0', '"additionalProperty":"extra"');
  });
  it('the behaviour record of both runs validates, results.json with a comparison validates, and mutated records are rejected', () => {
    const before = behaviourRecord(clean);
    const after = behaviourRecord(faulty);
    expectValid(validateBehaviour, before);
    expectValid(validateBehaviour, after);
    const changes = compareBehaviour(before, after, 'clean/results.json', { maxRegressionPct: 10, accepted: new Map([['x', 'y']]) });
    expect(changes.changes.length).toBeGreaterThan(0);
    expectValid(validateConformance, { ...faulty, changes });
    const m = (f: (r: Mutable) => void) => {
      const r = structuredClone(before) as Mutable;
      f(r);
      return r;
    };
    expectRejected(validateBehaviour, m((r) => (r.kind = 'other')), '/kind');
    expectRejected(validateBehaviour, m((r) => (r.checks[0].exchanges[0].envelope = 'ok')), '/checks/0/exchanges/0/envelope');
    expectRejected(validateBehaviour, m((r) => (r.checks[0].exchanges[0].value = 'x')), '"additionalProperty":"value"');
    expectRejected(validateConformance, { ...faulty, changes: { ...changes, changes: [{ ...changes.changes[0], kind: 'other' }] } }, '/changes/changes/0/kind');
  });

  it('behaviour record: kind, version, change kinds and field sets equal the TypeScript model', () => {
    expect(node(behaviourSchema, '#/properties/kind').const).toBe(BEHAVIOUR_RECORD_KIND);
    expect(node(behaviourSchema, '#/properties/schemaVersion').const).toBe(BEHAVIOUR_RECORD_VERSION);
    expect(node(behaviourSchema, '#/$defs/change/properties/kind').enum).toEqual([...CHANGE_KINDS]);
    expect(node(behaviourSchema, '#/$defs/status').enum).toEqual([...STATUSES]);
    const record: Presence<BehaviourRecord> = { kind: 'required', schemaVersion: 'required', target: 'required', startedAt: 'required', incomplete: 'optional', checks: 'required' };
    const check: Presence<CheckBehaviour> = { id: 'required', level: 'required', status: 'required', interrupted: 'optional', latencyMs: 'required', info: 'required', exchanges: 'required' };
    const answer: Presence<AnswerBehaviour> = { envelope: 'required', errorCode: 'optional', s3Code: 'optional', shape: 'optional', fields: 'optional', policy: 'optional' };
    const exchange: Presence<ExchangeBehaviour> = { ...answer, request: 'required', status: 'optional', transportError: 'optional' };
    const comparison: Presence<BehaviourComparison> = { baseline: 'required', maxRegressionPct: 'optional', compared: 'required', notCompared: 'required', changes: 'required', ok: 'required' };
    const change: Presence<BehaviourChange> = { id: 'required', check: 'required', kind: 'required', what: 'required', before: 'required', after: 'required', accepted: 'optional', rule: 'optional' };
    expectFields(behaviourSchema, '#', record);
    expectFields(behaviourSchema, '#/$defs/check', check);
    expectFields(behaviourSchema, '#/$defs/answer', answer);
    expectFields(behaviourSchema, '#/$defs/exchange', exchange);
    expectFields(behaviourSchema, '#/$defs/comparison', comparison);
    expectFields(behaviourSchema, '#/$defs/change', change);
  });

  it('drift results: kind, version, field sets equal the TypeScript model; a result built from both runs validates', () => {
    expect(node(driftSchema, '#/properties/kind').const).toBe(DRIFT_RESULTS_KIND);
    expect(node(driftSchema, '#/properties/schemaVersion').const).toBe(DRIFT_RESULTS_VERSION);
    const results: Presence<DriftResults> = {
      kind: 'required', schemaVersion: 'required', tool: 'required', target: 'required', mock: 'required', startedAt: 'required', durationMs: 'required', summary: 'required',
      compared: 'required', notCompared: 'required', differences: 'required', harnessErrors: 'required', exitCode: 'required', incomplete: 'optional',
    };
    const difference: Presence<DriftDifference> = { id: 'required', what: 'required', rule: 'required', checks: 'required', changes: 'required' };
    expectFields(driftSchema, '#', results);
    expectFields(driftSchema, '#/$defs/difference', difference);
    const differences = driftDifferences(behaviourRecord(clean), behaviourRecord(faulty));
    expect(differences.length).toBeGreaterThan(0);
    const drift: DriftResults = {
      kind: DRIFT_RESULTS_KIND, schemaVersion: DRIFT_RESULTS_VERSION, tool: 'upload-harness drift', target: { name: 't', baseUrl: 'http://t' }, mock: {}, startedAt: clean.startedAt, durationMs: 1,
      summary: { mock: clean.summary.counts, target: faulty.summary.counts }, compared: 1, notCompared: [], differences, harnessErrors: [], exitCode: 1,
    };
    expectValid(validateDrift, drift);
    expectRejected(validateDrift, { ...drift, differences: [{ ...differences[0], rule: 'maybe' }] }, '/differences/0/rule');
  });
});

describe('real load results.json files from short node-engine runs against the embedded mock', () => {
  let dir: string;
  let first: LoadResults;
  let second: LoadResults;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uh-report-schemas-load-'));
    // Two 500 ms full-flow runs (every stage, loopback only); the second compares with the first.
    const run = async (sub: string, extra: string[]) => {
      const args = ['--engine', 'node', '--target', 'mock', '--scenario', 'full-flow', '--rate', '20', '--duration', '500ms', '--file-sizes', '1KiB', '--report-dir', join(dir, sub), ...extra];
      const out = await runLoadWithReports({ ...parseLoadArgs(args, {}), progress: null, log: () => {} });
      return { code: out.exitCode, results: JSON.parse(await readFile(out.paths!.json, 'utf8')) as LoadResults };
    };
    const a = await run('first', ['--threshold', 'http_req_failed:rate<0.01']);
    expect(a.code).toBe(0);
    first = a.results;
    second = (await run('second', ['--baseline', join(dir, 'first', 'results.json'), '--threshold', 'checks:rate>0.99', '--threshold', 'upload_duration:p(95)<5000'])).results;
  }, 30_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a run, a run with thresholds and a baseline, and their merge validate', () => {
    expect(first.totals.iterations).toBeGreaterThan(0);
    expect(Object.keys(first.stages).sort()).toEqual([...STAGE_NAMES].sort());
    expectValid(validateLoad, first);
    expect(second.baseline?.rows.length).toBeGreaterThan(0);
    expect(second.thresholds).toHaveLength(2);
    expectValid(validateLoad, second);
    // `report merge` writes the merged model as JSON (undefined fields dropped). The two runs ran one
    // after the other (--sequential); merge refuses different threshold sets, so the first run is given the second's.
    expectValid(validateLoad, JSON.parse(JSON.stringify(mergeResults([{ ...first, options: { ...first.options, thresholds: second.options.thresholds } }, second], undefined, { sequential: true }))));
  });

  it('shapes the short run does not produce validate too: k6 metadata, ramping stages, a threshold without data', () => {
    const r = structuredClone(second);
    r.engine = 'k6';
    r.run = { ...r.run, instances: ['0', '1'], k6ExitCode: 0, k6TestRunDurationMs: [512.5, 498] };
    const { rate: _rate, ...options } = r.options;
    r.options = { ...options, stages: [{ durationMs: 1000, target: 10 }, { durationMs: 2000, target: 0 }], executionSegment: '0:1/2' };
    r.thresholds.push({ metric: 'attach_duration', expression: 'p(95)<20', ok: false, actual: null, message: 'attach_duration p(95)<20: FAILED (observed no data)' });
    r.errors = { 'handle_create: HTTP 503': 3 };
    delete r.stages.attach;
    expectValid(validateLoad, r);
    r.run.incomplete = { signal: 'SIGTERM', aborted: true, plannedDurationMs: 3000, actualDurationMs: 1200.5 };
    expect(second.intended?.iteration.count).toBeGreaterThan(0); // node runs carry intended-start latencies
    expectValid(validateLoad, r);
    expectRejected(validateLoad, { ...r, run: { ...r.run, incomplete: { ...r.run.incomplete, signal: 'SIGHUP' } } }, '/run/incomplete/signal', 'must be equal to one of the allowed values');
  });

  it('mutated copies are rejected with an error naming the field', () => {
    const m = (f: (r: Mutable) => void) => {
      const r = structuredClone(second) as Mutable;
      f(r);
      return r;
    };
    expectRejected(validateLoad, m((r) => (r.engine = 'jmeter')), '/engine', 'must be equal to one of the allowed values');
    expectRejected(validateLoad, m((r) => delete r.totals.iterations), '/totals', "must have required property 'iterations'");
    expectRejected(validateLoad, m((r) => (r.bogus = true)), 'must NOT have additional properties', '"additionalProperty":"bogus"');
    expectRejected(validateLoad, m((r) => (r.kind = 'something-else')), '/kind', 'must be equal to constant');
    expectRejected(validateLoad, m((r) => (r.stages.download = r.http)), '/stages', '"additionalProperty":"download"');
    expectRejected(validateLoad, m((r) => (r.series[0].stages.download = {})), '/series/0/stages', '"additionalProperty":"download"');
    expectRejected(validateLoad, m((r) => (r.series[0].t = 1.5)), '/series/0/t', 'must be integer');
    expectRejected(validateLoad, m((r) => (r.thresholds[0].actual = 'fast')), '/thresholds/0/actual');
    expectRejected(validateLoad, m((r) => delete r.thresholds[0].actual), '/thresholds/0', "'actual'");
    expectRejected(validateLoad, m((r) => (r.http.histogram = 'not base64!')), '/http/histogram', 'must match pattern');
    expectRejected(validateLoad, m((r) => (r.scenario = 'soak')), '/scenario');
    expectRejected(validateLoad, m((r) => (r.errors['upload: HTTP 500'] = -1)), '/errors/upload: HTTP 500', 'must be >= 0');
    expectRejected(validateLoad, m((r) => delete r.baseline.ok), '/baseline', "'ok'");
    expectRejected(validateLoad, m((r) => (r.run.finishedAt = '29/11/2026')), '/run/finishedAt', 'must match pattern');
  });
});
