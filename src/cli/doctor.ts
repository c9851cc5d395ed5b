// `upload-harness doctor`: checks a target before a conformance or load run — reachability, key
// validity and permissions, the optional ids, k6 — and prints what each conformance check group will
// run or skip and why. Exit 0 when the target is usable, 2 otherwise. Options and environment variables
// are conform's (src/conformance/config.ts), so a doctor run predicts the conform run with the same
// environment.
import { execFileSync } from 'node:child_process';
import type { Command } from '../cli.ts';
import { HELP, OPTIONS } from './doctor-help.ts';
import { parseCommandArgs } from './args.ts';
import { ApiClient, probeTarget, type ApiKeyRef, type Network } from '../client/index.ts';
import { EXIT } from '../config/errors.ts';
import { apiKeyInfo, createFileUploadHandle } from '../protocol/index.ts';
import { CHECKS, GROUPS } from '../conformance/catalogue.ts';
import { CONFORM_ENV, remoteTarget, resolveConformConfig, type ConformFlags } from '../conformance/config.ts';
import { startMockTarget, type MockTarget } from '../conformance/mock-target.ts';
import { skipReason, type TargetConfig } from '../conformance/target.ts';
import { findK6 } from '../load/k6-engine.ts';
import { applyNetworkFlags } from './network-options.ts';



export type FindingStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Finding {
  name: string;
  status: FindingStatus;
  detail: string;
  /** What to do about a failed finding. */
  hint?: string;
}

export interface GroupPlan {
  group: string;
  run: number;
  skip: number;
  reasons: string[];
}

export interface DoctorReport {
  target: { name: string; baseUrl: string };
  usable: boolean;
  findings: Finding[];
  groups: GroupPlan[];
}

interface KeyProbe {
  valid: boolean;
  canWrite?: boolean;
  organization?: string;
  detail: string;
}

/** What one key is: valid? has candidatesWrite? Uses apiKey.info when allowed, else a handle probe. */
async function probeKey(client: ApiClient, key: ApiKeyRef): Promise<KeyProbe> {
  const info = await client.call<{ title?: string; scopes?: string[] }>(apiKeyInfo(), key);
  if (info.status === 401) return { valid: false, detail: 'HTTP 401 from apiKey.info: the key was not accepted' };
  if (info.envelope.kind === 'success' && Array.isArray(info.envelope.results?.scopes)) {
    const scopes = info.envelope.results.scopes;
    const canWrite = scopes.includes('candidates:write') || scopes.includes('candidatesWrite');
    return { valid: true, canWrite, detail: `apiKey.info: "${info.envelope.results.title ?? '?'}", ${canWrite ? 'has' : 'lacks'} candidates:write (${scopes.length} scopes)` };
  }
  // apiKey.info refused (the key may lack apiKeysRead): probe the permission the checks really need.
  const probe = await client.call(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'doctor.txt', contentType: 'text/plain', contentLength: 1 }), key);
  const code = probe.envelope.kind === 'error' ? probe.envelope.code : undefined;
  if (probe.envelope.kind === 'success') return { valid: true, canWrite: true, detail: 'apiKey.info refused; file.createFileUploadHandle succeeded (has candidatesWrite)' };
  if (code === 'missing_endpoint_permission') return { valid: true, canWrite: false, detail: 'file.createFileUploadHandle: missing_endpoint_permission (lacks candidatesWrite)' };
  return { valid: false, detail: `apiKey.info HTTP ${info.status}; file.createFileUploadHandle HTTP ${probe.status}${code ? ` ${code}` : ''}: the key is not usable` };
}

/** How a host is reached: through which proxy, or directly and why. */
function routeFinding(name: string, url: string, net: Network): Finding {
  const u = new URL(url);
  const proxy = net.proxyFor(u);
  const host = u.host;
  if (proxy) return { name, status: 'info', detail: `${host} through the proxy ${proxy} (${u.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'})` };
  const configured = u.protocol === 'https:' ? net.proxy.httpsProxy : net.proxy.httpProxy;
  return { name, status: 'info', detail: `${host} directly (${configured ? 'NO_PROXY matches it' : `no ${u.protocol === 'https:' ? 'HTTPS_PROXY or ' : ''}HTTP_PROXY set`})` };
}

function caFinding(net: Network, env: NodeJS.ProcessEnv): Finding {
  const extra = env.NODE_EXTRA_CA_CERTS;
  const parts = [net.caFile ? `--ca-file ${net.caFile}` : undefined, extra ? `NODE_EXTRA_CA_CERTS=${extra}` : undefined].filter(Boolean);
  return { name: 'ca', status: 'info', detail: parts.length ? `system CAs + ${parts.join(' + ')}` : 'system CAs only (add a private CA with --ca-file or NODE_EXTRA_CA_CERTS)' };
}

/** The storage host of a presigned upload URL (one handle, never used), when the key may create one. */
async function storageUrl(client: ApiClient, key: ApiKeyRef): Promise<string | undefined> {
  const res = await client.call<{ url?: string }>(createFileUploadHandle({ fileUploadContext: 'CandidateFiles', filename: 'doctor.txt', contentType: 'text/plain', contentLength: 1 }), key);
  const url = res.envelope.kind === 'success' ? res.envelope.results?.url : undefined;
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
}

export async function runDoctor(allFlags: ConformFlags & { 'ca-file'?: string }, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const { 'ca-file': caFile, ...flags } = allFlags;
  const config = resolveConformConfig(flags, env);
  let mock: MockTarget | undefined;
  try {
    let target: TargetConfig;
    if (config.target === 'mock') {
      mock = await startMockTarget({ timeoutMs: config.timeoutMs });
      target = mock.target;
    } else {
      const url = config.target;
      target = remoteTarget(config, url);
    }
    // The embedded mock is this process's own loopback server: reached directly even behind a proxy.
    const net = applyNetworkFlags({ 'ca-file': caFile }, env, mock ? [target.baseUrl] : []);
    const findings: Finding[] = [];
    const client = new ApiClient({ baseUrl: target.baseUrl, http: { timeoutMs: target.timeoutMs, maxRetries: 0 } });
    const mainKey = { value: target.apiKey, envVar: CONFORM_ENV['api-key'] };
    let usable = true;
    let main: KeyProbe | undefined;
    const unreachable = await probeTarget(target.baseUrl, target.apiKey, { timeoutMs: target.timeoutMs });
    if (unreachable) {
      usable = false;
      findings.push({ name: 'reachable', status: 'fail', detail: `cannot reach ${target.baseUrl}: ${unreachable.code}: ${unreachable.detail}`, hint: unreachable.hint });
    } else {
      main = await probeKey(client, mainKey);
      findings.push({ name: 'reachable', status: 'ok', detail: `${target.baseUrl} answered` });
    }
    findings.push(routeFinding('api-host', target.baseUrl, net));
    const storage = main?.valid && main.canWrite ? await storageUrl(client, mainKey).catch(() => undefined) : undefined;
    findings.push(storage ? routeFinding('storage-host', storage, net) : { name: 'storage-host', status: 'info', detail: 'unknown: no upload handle could be created with the key' });
    findings.push(caFinding(net, env));
    if (main) {
      if (!main.valid || !main.canWrite) usable = false;
      findings.push({ name: 'api-key', status: main.valid && main.canWrite ? 'ok' : 'fail', detail: main.valid && !main.canWrite ? `${main.detail}; conform needs a key with candidatesWrite` : main.detail });
      for (const [name, value, wantWrite, envVar] of [
        ['limited-api-key', target.limitedApiKey, false, CONFORM_ENV['limited-api-key']],
        ['other-org-api-key', target.otherOrgApiKey, true, CONFORM_ENV['other-org-api-key']],
      ] as const) {
        if (!value) {
          findings.push({ name, status: 'info', detail: `not set (--${name} or ${envVar}): the checks that need it are skipped` });
          continue;
        }
        const p = await probeKey(client, { value, envVar });
        const right = p.valid && p.canWrite === wantWrite;
        findings.push({ name, status: right ? 'ok' : 'warn', detail: right ? p.detail : `${p.detail}; expected a key ${wantWrite ? 'with' : 'without'} candidatesWrite` });
      }
    }
    findings.push({ name: 'candidate-id', status: 'info', detail: target.candidateId ? `set: ${target.candidateId}` : target.allowWrites ? 'not set; --allow-writes: conform creates a candidate' : 'not set and no --allow-writes: candidate checks are skipped' });
    findings.push({ name: 'job-posting-id', status: 'info', detail: target.jobPostingId ? `set: ${target.jobPostingId}` : 'not set: application-form checks are skipped' });
    findings.push(k6Finding(env));
    const groups = GROUPS.map((group): GroupPlan => {
      const checks = CHECKS.filter((c) => c.group === group);
      const reasons = checks.map((c) => skipReason(c, target)).filter((r): r is string => r !== undefined);
      return { group, run: checks.length - reasons.length, skip: reasons.length, reasons: [...new Set(reasons)] };
    });
    return { target: { name: target.name, baseUrl: target.baseUrl }, usable, findings, groups };
  } finally {
    await mock?.close();
  }
}

function k6Finding(env: NodeJS.ProcessEnv): Finding {
  const k6 = findK6(env);
  if (!k6) return { name: 'k6', status: 'info', detail: env.K6_BIN ? `K6_BIN=${env.K6_BIN} is not executable; load --engine auto uses node` : 'not found (K6_BIN or PATH); load --engine auto uses the node engine' };
  try {
    const version = execFileSync(k6.path, ['version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0];
    return { name: 'k6', status: 'ok', detail: `${k6.path}: ${version}` };
  } catch (err) {
    return { name: 'k6', status: 'warn', detail: `${k6.path} did not run: ${(err as Error).message.split('\n')[0]}` };
  }
}

export function doctorText(r: DoctorReport): string {
  const lines = [`upload-harness doctor → ${r.target.name} (${r.target.baseUrl})`, ''];
  for (const f of r.findings) {
    lines.push(`${f.status.toUpperCase().padEnd(4)} ${f.name.padEnd(18)} ${f.detail}`);
    if (f.hint) lines.push(`${''.padEnd(4)} ${''.padEnd(18)} hint: ${f.hint}`);
  }
  lines.push('', 'Conformance check groups:');
  for (const g of r.groups) {
    lines.push(`  ${g.group.padEnd(12)} ${g.run} run, ${g.skip} skipped`);
    for (const reason of g.reasons) lines.push(`  ${''.padEnd(12)} skip: ${reason}`);
  }
  lines.push('', r.usable ? 'The target is usable.' : 'The target is NOT usable: fix the FAIL lines above.');
  return lines.join('\n');
}

export const command: Command = {
  help: HELP, options: OPTIONS,
  async run(argv) {
    const { values } = parseCommandArgs('doctor', argv, OPTIONS);
    const { json, ...flags } = values;
    const report = await runDoctor(flags as ConformFlags & { 'ca-file'?: string });
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else console.log(doctorText(report));
    return report.usable ? EXIT.ok : EXIT.usage;
  },
};
