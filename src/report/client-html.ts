// The client verification HTML report: one self-contained page in the conformance report's style (the
// shared shell in html.ts). It leads with what failed: the verdict, why, and every violation — what was
// sent (redacted), what was expected, what real S3 / Ashby would have answered, a one-line fix — before
// the rule table; then one row per robustness case, every flow with its timeline (each request, its time
// since the handle was issued, its status) and the stray requests.
import { allViolations, type ClientFlowResult, type ClientResults, type ClientViolation, type RobustnessResult, type TimelineEntry } from '../results/client.ts';
import { escapeHtml, htmlPage } from './html.ts';

const CSS = `
.verdict{font-size:18px;margin:8px 0}.id{font-family:ui-monospace,monospace}.n{text-align:right;font-variant-numeric:tabular-nums}
.flow,.violation{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 8px}
.kv{display:grid;grid-template-columns:140px 1fr;gap:2px 12px}.kv dt{color:var(--muted)}.kv dd{margin:0}
.incomplete{border:2px solid var(--warn);padding:6px 10px;border-radius:6px}td code{word-break:break-all;white-space:pre-wrap}
`;

const STATUS_CLASS: Record<string, string> = { pass: 'pass', fail: 'fail', warn: 'warn', 'not-exercised': 'skip', recovered: 'pass', 'gave up cleanly': 'warn', misbehaved: 'fail', 'not exercised': 'skip' };
const badge = (status: string): string => `<span class="badge ${STATUS_CLASS[status] ?? 'skip'}">${escapeHtml(status.toUpperCase())}</span>`;

function violationHtml(v: ClientViolation, where = ''): string {
  const rows: Array<[string, string]> = [
    ['what happened', v.message],
    ['sent (redacted)', v.sent],
    ['expected', v.expected],
    ['real S3 / Ashby', v.realAnswer],
    ['fix', v.fix],
  ];
  return `<div class="violation" id="v-${v.flowId ?? 's'}-${v.requestSeq ?? 0}-${escapeHtml(v.ruleId)}">${badge(v.level === 'MUST' ? 'fail' : 'warn')} <strong>${escapeHtml(v.level)}</strong> <a class="id" href="#${escapeHtml(v.ruleId)}">${escapeHtml(v.ruleId)}</a>${where ? ` <span class="muted">${escapeHtml(where)}</span>` : ''}${v.requestSeq !== undefined ? ` <span class="muted">request #${v.requestSeq}</span>` : ''}
<dl class="kv">${rows.map(([k, val]) => `<dt>${k}</dt><dd>${k === 'sent (redacted)' ? `<pre>${escapeHtml(val)}</pre>` : escapeHtml(val)}</dd>`).join('')}</dl></div>`;
}

function timelineTable(entries: TimelineEntry[], sinceLabel: string): string {
  const rows = entries
    .map(
      (e) =>
        `<tr><td class="n">#${e.seq}</td><td class="n">${e.sinceHandleMs} ms</td><td>${escapeHtml(e.method)} <code>${escapeHtml(e.path)}</code></td><td>${e.aborted ? 'connection closed' : escapeHtml(e.status ?? '—')}${e.code ? ` <code>${escapeHtml(e.code)}</code>` : ''}${e.injected ? ` <span class="badge warn">INJECTED ${escapeHtml(e.injected)}</span>` : ''}</td><td><code>${escapeHtml(e.summary)}</code></td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>request</th><th>${sinceLabel}</th><th>call</th><th>answer</th><th>what was sent (redacted)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function flowHtml(f: ClientFlowResult, prefix = 'flow'): string {
  const status = f.violations.some((v) => v.level === 'MUST') ? 'fail' : f.violations.length ? 'warn' : 'pass';
  const what = [f.context, f.filename, f.contentType, f.contentLength !== undefined ? `${f.contentLength} B` : undefined].filter(Boolean).join(', ');
  return `<details class="flow" id="${escapeHtml(prefix)}-${f.id}"${status === 'pass' ? '' : ' open'}><summary>${badge(status)} <strong>flow ${f.id}</strong> — ${escapeHtml(what || 'handle request')} <span class="muted">(${escapeHtml(f.outcome)}${f.complete ? ', complete' : ''}; ${f.violations.length} violation(s))</span></summary>
${timelineTable(f.timeline, 'since handle')}</details>`;
}

const exitText = (c: { exitCode: number | null; signal?: string } | undefined): string => (c ? (c.signal ? `stopped by ${c.signal}` : `exit ${c.exitCode ?? '?'}`) : '—');

/** Every violation, led by where it happened (the clean run's flows and stray requests, then each case). */
function violationsSection(r: ClientResults): string {
  const total = allViolations(r).length;
  if (total === 0) return '<h2>Violations</h2><p>None: no client rule was broken.</p>';
  const ofRun = (label: string, flows: ClientFlowResult[], stray: ClientViolation[]): string[] => [
    ...flows.flatMap((f) => f.violations.map((v) => violationHtml(v, `${label}flow ${f.id}`))),
    ...stray.map((v) => violationHtml(v, `${label}stray request`)),
  ];
  const items = [...ofRun('', r.flows, r.strayViolations), ...(r.robustness ?? []).flatMap((c) => ofRun(`robustness case ${c.fault}, `, c.flows, c.strayViolations))];
  return `<h2>Violations (${total})</h2>${items.join('\n')}`;
}

function robustnessSection(cases: RobustnessResult[]): string {
  const rows = cases
    .map((x) => {
      const n = x.summary.mustViolations + x.summary.shouldViolations;
      return `<tr id="case-${escapeHtml(x.fault)}"><td>${badge(x.passed ? 'pass' : 'fail')}</td><td class="id">${escapeHtml(x.fault)}</td><td>${badge(x.verdict)}</td><td>${escapeHtml(exitText(x.command))}</td><td class="n">${x.summary.flows} (${x.summary.completeFlows} complete)</td><td class="n">${n}</td><td>${escapeHtml(x.description)}<br><span class="muted">recovered means: ${escapeHtml(x.recovered)} — source: ${escapeHtml(x.source)}</span></td><td>${escapeHtml(x.detail)}${x.failures.length ? `<ul>${x.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : ''}</td></tr>`;
    })
    .join('');
  const flows = cases.map((x) => (x.flows.length ? `<h3>Case ${escapeHtml(x.fault)}: flows</h3>${x.flows.map((f) => flowHtml(f, `case-${x.fault}-flow`)).join('\n')}` : '')).join('\n');
  return `<h2>Robustness cases</h2><p class="muted">Each case is a run of its own: the command again, on a fresh mock, with one fault injected at the first request it applies to. A fault the command never reached fails its case.</p>
<table><thead><tr><th>case</th><th>fault</th><th>verdict</th><th>command</th><th>flows</th><th>violations</th><th>injected</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>${flows}`;
}

export function renderClientHtml(r: ClientResults): string {
  const verdict = r.summary.passed ? 'PASSED' : 'FAILED';
  const s = r.summary;
  const cmd = r.command ? ` — command <code>${escapeHtml(r.command.argv.join(' '))}</code> ${escapeHtml(exitText(r.command))}` : '';
  const rules = r.rules
    .map((rule) => `<tr id="${escapeHtml(rule.id)}"><td>${badge(rule.status)}</td><td>${escapeHtml(rule.level)}</td><td class="id">${escapeHtml(rule.id)}</td><td>${escapeHtml(rule.title)}<br><span class="muted">source: ${escapeHtml(rule.source)}</span></td><td class="n">${rule.violations}</td></tr>`)
    .join('');
  const body = `<h1>Client verification report</h1>
${r.incomplete ? '<p class="incomplete"><strong>INCOMPLETE</strong>: the run was interrupted; this is what was seen until then.</p>' : ''}
<p class="verdict">${badge(s.passed ? 'pass' : 'fail')} <strong>${verdict}</strong> — ${s.flows} flow(s), ${s.completeFlows} complete (handle → accepted upload); ${s.mustViolations} MUST and ${s.shouldViolations} SHOULD violation(s)${r.robustness ? `, ${r.robustness.length} robustness case(s)` : ''}${r.strict ? ', --strict' : ''}${r.profile ? `, mock profile ${escapeHtml(r.profile)}` : ''}${cmd}. Started ${escapeHtml(r.startedAt)}.</p>
${s.failures.length ? `<ul class="failures">${s.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : ''}
<p class="muted">MUST: documented by Ashby or by S3 for POST uploads (a violation fails the run). SHOULD: inferred (a warning unless --strict). Secrets (API keys, Authorization, Policy, signatures, presigned query strings) are redacted.${r.droppedRequests ? ` ${r.droppedRequests} oldest request(s) were dropped by the memory bound.` : ''}</p>
${violationsSection(r)}
<h2>Rules</h2><p class="muted">Over the clean run${r.robustness ? ' and every robustness case' : ''}.</p><table><thead><tr><th>status</th><th>level</th><th>rule</th><th>what the client must do</th><th>violations</th></tr></thead><tbody>${rules}</tbody></table>
${r.robustness ? robustnessSection(r.robustness) : ''}
<h2>Flows${r.robustness ? ' (clean run)' : ''}</h2>${r.flows.length ? r.flows.map((f) => flowHtml(f)).join('\n') : '<p>No flow was observed: the client never requested an upload handle.</p>'}
${r.stray.length ? `<h2>Stray requests</h2><p class="muted">Requests that belong to no flow (other API calls, uploads or follow-ups naming no issued handle).</p>${timelineTable(r.stray, 'since start')}` : ''}`;
  return htmlPage({ title: `Client verification — ${verdict}`, css: CSS, body });
}
