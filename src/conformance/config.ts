// `conform` options: CLI flag > environment variable > default (the one rule of src/config/precedence.ts),
// one typed object, each bad value refused with its own clear message.
import { UsageError } from '../config/errors.ts';
import { parseDurationMs } from '../config/duration.ts';
import { flagOrEnv, switchOrEnv, type Env } from '../config/precedence.ts';
import { baseUrlOf, parseTarget } from '../config/target-url.ts';
import { GROUPS, type CheckGroup } from './catalogue.ts';
import type { TargetAccess, TargetConfig } from './target.ts';

export interface ConformFlags {
  target?: string;
  'api-key'?: string;
  'limited-api-key'?: string;
  'other-org-api-key'?: string;
  'candidate-id'?: string;
  'job-posting-id'?: string;
  'allow-writes'?: boolean;
  slow?: boolean;
  strict?: boolean;
  only?: string;
  'report-dir'?: string;
  json?: boolean;
  timeout?: string;
}

export interface ConformConfig extends TargetAccess {
  /** 'mock' = start the embedded mock; else the base URL. */
  target: 'mock' | URL;
  apiKey?: string;
  strict: boolean;
  only: CheckGroup[];
  reportDir: string;
  json: boolean;
  timeoutMs: number;
}

/** Every option with its environment variable (documented in `conform --help` and docs/conformance.md). */
export const CONFORM_ENV = {
  target: 'ASHBY_BASE_URL',
  'api-key': 'ASHBY_API_KEY',
  'limited-api-key': 'ASHBY_LIMITED_API_KEY',
  'other-org-api-key': 'ASHBY_OTHER_ORG_API_KEY',
  'candidate-id': 'ASHBY_CANDIDATE_ID',
  'job-posting-id': 'ASHBY_JOB_POSTING_ID',
  'allow-writes': 'ASHBY_ALLOW_WRITES',
  slow: 'ASHBY_CONFORM_SLOW',
  strict: 'ASHBY_CONFORM_STRICT',
  only: 'ASHBY_CONFORM_ONLY',
  'report-dir': 'ASHBY_CONFORM_REPORT_DIR',
  json: 'ASHBY_CONFORM_JSON',
  timeout: 'ASHBY_TIMEOUT',
} as const satisfies Record<keyof ConformFlags, string>;

const bool = (name: keyof ConformFlags, flag: boolean | undefined, e: Env): boolean => switchOrEnv(flag, CONFORM_ENV[name], e);

function str(name: keyof ConformFlags, flags: ConformFlags, e: Env): string | undefined {
  const flag = flags[name];
  return flagOrEnv(name, typeof flag === 'string' ? flag : undefined, CONFORM_ENV[name], e);
}

function id(name: keyof ConformFlags, flags: ConformFlags, e: Env): string | undefined {
  const v = str(name, flags, e);
  if (v !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(v)) throw new UsageError(`--${name} (${CONFORM_ENV[name]}) must be an id without spaces or punctuation, got "${v}"`);
  return v;
}

function parseOnly(value: string | undefined): CheckGroup[] {
  if (value === undefined) return [];
  const groups = value.split(',').map((g) => g.trim()).filter(Boolean);
  const bad = groups.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (bad.length || groups.length === 0) throw new UsageError(`--only: unknown group ${bad.map((b) => `"${b}"`).join(', ') || '(none given)'}`, `groups: ${GROUPS.join(', ')}`);
  return [...new Set(groups)] as CheckGroup[];
}

export function resolveConformConfig(flags: ConformFlags, e: Env = process.env): ConformConfig {
  const target = parseTarget(str('target', flags, e), { allowMock: true });
  const timeout = str('timeout', flags, e);
  let timeoutMs = 15_000;
  if (timeout !== undefined) {
    try {
      timeoutMs = parseDurationMs(timeout);
    } catch (err) {
      throw new UsageError(`--timeout: ${(err as Error).message}`);
    }
    if (timeoutMs < 100 || timeoutMs > 600_000) throw new UsageError(`--timeout must be between 100ms and 10m, got ${timeout}`);
  }
  const remote = target !== 'mock';
  const config: ConformConfig = {
    target,
    // Against the mock its own keys and ids are used: staging secrets in the environment must not leak
    // into (or break) a mock run.
    apiKey: remote ? str('api-key', flags, e) : undefined,
    limitedApiKey: remote ? str('limited-api-key', flags, e) : undefined,
    otherOrgApiKey: remote ? str('other-org-api-key', flags, e) : undefined,
    candidateId: remote ? id('candidate-id', flags, e) : undefined,
    jobPostingId: remote ? id('job-posting-id', flags, e) : undefined,
    allowWrites: bool('allow-writes', flags['allow-writes'], e),
    slow: bool('slow', flags.slow, e),
    strict: bool('strict', flags.strict, e),
    only: parseOnly(str('only', flags, e)),
    reportDir: str('report-dir', flags, e) ?? 'reports/conformance',
    json: bool('json', flags.json, e),
    timeoutMs,
  };
  if (remote && !config.apiKey) throw new UsageError(`a real target needs an API key: --api-key or ${CONFORM_ENV['api-key']}`, 'or run against the embedded mock: --target mock');
  for (const [name, value] of [['limited-api-key', config.limitedApiKey], ['other-org-api-key', config.otherOrgApiKey]] as const) {
    if (value !== undefined && value === config.apiKey) throw new UsageError(`--${name} must differ from --api-key`);
  }
  return config;
}

/** The target a real base URL stands for (the embedded mock builds its own in mock-target.ts). */
export function remoteTarget(config: ConformConfig, url: URL): TargetConfig {
  return {
    name: url.host,
    baseUrl: baseUrlOf(url),
    apiKey: config.apiKey!,
    limitedApiKey: config.limitedApiKey,
    otherOrgApiKey: config.otherOrgApiKey,
    candidateId: config.candidateId,
    jobPostingId: config.jobPostingId,
    allowWrites: config.allowWrites,
    slow: config.slow,
    control: false,
    timeoutMs: config.timeoutMs,
  };
}
