// The target a conformance run talks to, as handed from the runner to the vitest workers: one JSON
// environment variable (workers are other processes/threads; JSON is their common language).
import type { CheckDefinition, CheckNeed } from './catalogue.ts';

export const TARGET_ENV = 'UPLOAD_HARNESS_TARGET';

/** The further keys and ids a run may use on a target, and what it may do there. */
export interface TargetAccess {
  limitedApiKey?: string;
  otherOrgApiKey?: string;
  candidateId?: string;
  jobPostingId?: string;
  /** Consent to create candidates/applications on the target. Always true for the mock. */
  allowWrites: boolean;
  /** Wait out real time-outs (the 10-minute URL expiry) on a target without clock control. */
  slow: boolean;
}

export interface TargetConfig extends TargetAccess {
  /** 'mock' for the embedded mock, else the host of the base URL (keys known deviations). */
  name: string;
  baseUrl: string;
  apiKey: string;
  /** The mock's test-only control routes (/_control/*) are available: expiry in milliseconds. */
  control: boolean;
  timeoutMs: number;
}

export function encodeTarget(target: TargetConfig): string {
  return JSON.stringify(target);
}

export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const raw = env[TARGET_ENV];
  if (!raw) throw new Error(`${TARGET_ENV} is not set: run the suites with \`upload-harness conform\`, not vitest directly`);
  return JSON.parse(raw) as TargetConfig;
}

/** Environment variable names that curl reproductions use instead of key values. */
export const KEY_ENV = { apiKey: 'ASHBY_API_KEY', limitedApiKey: 'ASHBY_LIMITED_API_KEY', otherOrgApiKey: 'ASHBY_OTHER_ORG_API_KEY' } as const;

const NEED_REASON: Record<CheckNeed, (t: TargetConfig) => string | undefined> = {
  candidate: (t) => (t.candidateId || t.allowWrites ? undefined : 'needs a candidate: --candidate-id ID, or --allow-writes to create one'),
  'job-posting': (t) => (t.jobPostingId ? undefined : 'needs --job-posting-id ID (a posting with a File field)'),
  'limited-key': (t) => (t.limitedApiKey ? undefined : 'needs --limited-api-key (a key without candidatesWrite)'),
  'other-org-key': (t) => (t.otherOrgApiKey ? undefined : "needs --other-org-api-key (a key of another organisation)"),
  writes: (t) => (t.allowWrites ? undefined : 'creates records on the target: needs --allow-writes'),
  slow: (t) => (t.control || t.slow ? undefined : 'waits out the 10-minute URL expiry: needs --slow on a real target'),
};

/** Why a check cannot run against this target, or undefined when it can. */
export function skipReason(check: CheckDefinition, target: TargetConfig): string | undefined {
  for (const need of check.needs ?? []) {
    const reason = NEED_REASON[need](target);
    if (reason) return reason;
  }
  return undefined;
}
