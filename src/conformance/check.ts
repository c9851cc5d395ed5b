// `suite(group, fn)` and `check({id, title, level, source, needs}, body)`: how a suite in conformance/
// declares its checks, each check's catalogue entry standing at its implementation. Inside a vitest run
// `check` registers a test named by the id, skips it with the reason when the target lacks what the
// check needs, gives the body clients whose exchanges are recorded for this check only, and hands
// expected/received, the exchanges and observations to the reporter through task.meta (JSON, crosses
// the worker boundary). Outside vitest (collectChecks) both only record the declarations: vitest's
// describe/it cannot be called there, and the catalogue is derived from what they record.
import { beforeAll, describe, it } from 'vitest';
import { ApiClient, ExchangeRecorder, SecretSet, StorageClient, TransportError, type ApiKeyRef, type Exchange } from '../client/index.ts';
import { getCheck, type CheckDefinition, type CheckGroup } from './catalogue.ts';
import { CheckFailure, UnclassifiedAnswer } from './assert.ts';
import { KEY_ENV, skipReason, targetFromEnv, type TargetConfig } from './target.ts';

type CheckOutcomeKind = 'failure' | 'transport' | 'harness';

export interface CheckMeta {
  exchanges: Exchange[];
  observations: string[];
  /** `must`: the failure counts at MUST strength whatever the check's level (an unclassified answer). */
  failure?: { kind: CheckOutcomeKind; message: string; expected?: string; received?: string; must?: true };
}

declare module 'vitest' {
  interface TaskMeta {
    check?: CheckMeta;
  }
}

export interface CheckContext {
  def: CheckDefinition;
  target: TargetConfig;
  api: ApiClient;
  storage: StorageClient;
  keys: { full: ApiKeyRef; limited?: ApiKeyRef; otherOrg?: ApiKeyRef };
  /** Records what the target did (INFO checks, and notes on any check). */
  observe(text: string): void;
}

let cachedTarget: TargetConfig | undefined;
export function target(): TargetConfig {
  cachedTarget ??= targetFromEnv();
  return cachedTarget;
}

/** Clients and keys for one check; exported for fixtures that run before any check (beforeAll). */
function newContext(def: CheckDefinition, t: TargetConfig, meta: CheckMeta): CheckContext {
  const recorder = new ExchangeRecorder();
  const secrets = new SecretSet();
  secrets.add(t.apiKey, t.limitedApiKey, t.otherOrgApiKey);
  const http = { timeoutMs: t.timeoutMs };
  const ref = (value: string | undefined, envVar: string) => (value === undefined ? undefined : { value, envVar });
  meta.exchanges = recorder.exchanges;
  return {
    def,
    target: t,
    api: new ApiClient({ baseUrl: t.baseUrl, http, recorder, secrets }),
    storage: new StorageClient({ http, recorder, secrets }),
    keys: { full: ref(t.apiKey, KEY_ENV.apiKey)!, limited: ref(t.limitedApiKey, KEY_ENV.limitedApiKey), otherOrg: ref(t.otherOrgApiKey, KEY_ENV.otherOrgApiKey) },
    observe: (text) => meta.observations.push(secrets.redact(text)),
  };
}

function classify(err: unknown): NonNullable<CheckMeta['failure']> {
  if (err instanceof CheckFailure) {
    return { kind: 'failure', message: err.message, expected: err.expected, received: err.received, ...(err instanceof UnclassifiedAnswer ? { must: true as const } : {}) };
  }
  if (err instanceof TransportError) return { kind: 'transport', message: err.message };
  return { kind: 'harness', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

export interface CheckOptions {
  /** Longer than the default per-check timeout (large files, real-time waits). */
  timeoutMs?: number;
}

/** A check's catalogue entry as its suite declares it; the group is the enclosing suite's. */
export type CheckDeclaration = Omit<CheckDefinition, 'group' | 'scope'>;

/** The catalogue entry in the catalogue's key order (the generated file and comparisons rely on it). */
export function definition(d: Omit<CheckDefinition, 'group'>, group: CheckGroup): CheckDefinition {
  return { id: d.id, title: d.title, group, level: d.level, source: d.source, ...(d.needs ? { needs: [...d.needs] } : {}), ...(d.scope ? { scope: d.scope } : {}) };
}

/** Set while collectChecks imports the suites: declarations are recorded, nothing is registered. */
let collected: CheckDefinition[] | undefined;
let currentGroup: CheckGroup | undefined;

/** The checks the suites that `load` imports declare, in declaration order; registers no vitest test. */
export async function collectChecks(load: () => Promise<void>): Promise<CheckDefinition[]> {
  const found: CheckDefinition[] = [];
  collected = found;
  try {
    await load();
  } finally {
    collected = undefined;
  }
  return found;
}

export interface SuiteOptions {
  /** Run the checks one after another (they share state); decided when vitest collects the suite. */
  sequential?: boolean | (() => boolean);
}

/** Fixtures a suite's checks share (fixtures.ts: the candidate, the posting's form), emptied when each
 * suite starts. The runner runs a run's suite files in one module graph (vitest's `isolate: false`, so
 * the harness's modules load once per run, not once per file); without the reset one suite would see the
 * candidate another suite uploaded to, and what a check records would depend on the order files ran. */
const suiteCaches: Array<Map<unknown, unknown>> = [];
export function suiteCache<K, V>(): Map<K, V> {
  const cache = new Map<K, V>();
  suiteCaches.push(cache as Map<unknown, unknown>);
  return cache;
}

/** One group's suite: a vitest describe block inside a run (concurrent unless `sequential`). */
export function suite(group: CheckGroup, fn: () => void, options: SuiteOptions = {}): void {
  const body = () => {
    currentGroup = group;
    try {
      fn();
    } finally {
      currentGroup = undefined;
    }
  };
  if (collected) return body();
  const sequential = typeof options.sequential === 'function' ? options.sequential() : options.sequential;
  (sequential ? describe : describe.concurrent)(group, () => {
    beforeAll(() => {
      for (const cache of suiteCaches) cache.clear();
    });
    body();
  });
}

export function check(decl: CheckDeclaration, body: (c: CheckContext) => Promise<unknown>, options: CheckOptions = {}): void {
  if (!currentGroup) throw new Error(`check "${decl.id}" is declared outside suite()`);
  const declared = definition(decl, currentGroup);
  if (collected) {
    collected.push(declared);
    return;
  }
  const def = getCheck(decl.id);
  // The runner and reporter read the catalogue: it must say what the suite declares.
  if (JSON.stringify(definition(def, def.group)) !== JSON.stringify(declared)) {
    throw new Error(`check "${decl.id}" differs from src/conformance/catalogue.generated.ts: regenerate it with \`npx tsx scripts/conformance-catalogue.ts\``);
  }
  const id = decl.id;
  it(id, { timeout: options.timeoutMs ?? Math.max(30_000, target().timeoutMs * 4) }, async (ctx) => {
    const t = target();
    const reason = skipReason(def, t);
    if (reason) ctx.skip(reason);
    const meta: CheckMeta = { exchanges: [], observations: [] };
    ctx.task.meta.check = meta;
    const c = newContext(def, t, meta);
    try {
      await body(c);
    } catch (err) {
      meta.failure = classify(err);
      // Secrets may sit in an error text (e.g. a URL in a harness exception): redact before it leaves.
      // Expected/received quote the target's answer, which may echo a key.
      const f = meta.failure;
      f.message = c.api.secrets.redact(f.message);
      if (f.expected !== undefined) f.expected = c.api.secrets.redact(f.expected);
      if (f.received !== undefined) f.received = c.api.secrets.redact(f.received);
      // No `cause`: the original error may hold the secrets just redacted from the message.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(meta.failure.message);
    } finally {
      meta.exchanges = [...c.api.recorder.exchanges];
    }
  });
}
