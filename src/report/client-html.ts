// The client verification HTML report: one self-contained page in the conformance report's style (the
// shared shell in html.ts). A verdict, the rule table, every flow with its timeline (each request, its
// time since the handle was issued, its status) and, per violation, what was sent (redacted), what was
// expected, what real S3 / Ashby would have answered and a one-line fix. Stray requests are listed apart.
import type { ClientFlowResult, ClientResults, ClientViolation, TimelineEntry } from '../results/client.ts';
import { escapeHtml, htmlPage } from './html.ts';

const CSS = `
.verdict{font-size:18px;margin:8px 0}.id{font-family:ui-monospace,monospace}.n{text-align:right;font-variant-numeric:tabular-nums}
.flow,.violation{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 8px}
.kv{display:grid;grid-template-columns:140px 1fr;gap:2px 12px}.kv dt{color:var(--muted)}.kv dd{margin:0}
.incomplete{border:2px solid var(--warn);padding:6px 10px;border-radius:6px}td code{word-break:break-all;white-space:pre-wrap}
`;

const STATUS_CLASS: Record<string, string> = { pass: 'pass', fail: 'fail', warn: 'warn', 'not-exercised': 'skip', recovered: 'pass', 'gave up cleanly': 'warn', misbehaved: 'fail', 'not exercised': 'skip' };
const badge = (status: string): string => `<span class="badge ${STATUS_CLASS[status] ?? 'skip'}">${escapeHtml(status.toUpperCase())}</span>`;

function violationHtml(v: ClientViolation): string {
  const rows: Array<[string, string]> = [
    ['what happened', v.message],
    ['sent (redacted)', v.sent],
    ['expected', v.expected],
    ['real S3 / Ashby', v.realAnswer],
    ['fix', v.fix],
  ];
  return `<div class="violation" id="v-${v.flowId ?? 's'}-${v.requestSeq ?? 0}-${escapeHtml(v.ruleId)}">${badge(v.level === 'MUST' ? 'fail' : 'warn')} <strong>${escapeHtml(v.level)}</strong> <a class="id" href="#${escapeHtml(v.ruleId)}">${escapeHtml(v.ruleId)}</a>${v.requestSeq !== undefined ? ` <span class="muted">request #${v.requestSeq}</span>` : ''}
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

function flowHtml(f: ClientFlowResult): string {
  const status = f.violations.some((v) => v.level === 'MUST') ? 'fail' : f.violations.length ? 'warn' : 'pass';
  const what = [f.context, f.filename, f.contentType, f.contentLength !== undefined ? `${f.contentLength} B` : undefined].filter(Boolean).join(', ');
  return `<details class="flow" id="flow-${f.id}"${status === 'pass' ? '' : ' open'}><summary>${badge(status)} <strong>flow ${f.id}</strong> — ${escapeHtml(what || 'handle request')} <span class="muted">(${escapeHtml(f.outcome)}; ${f.violations.length} violation(s))</span></summary>
${timelineTable(f.timeline, 'since handle')}
${f.violations.map(violationHtml).join('\n')}</details>`;
}

export function renderClientHtml(r: ClientResults): string {
  const verdict = r.summary.passed ? 'PASSED' : 'FAILED';
  const cmd = r.command ? ` — command <code>${escapeHtml(r.command.argv.join(' '))}</code> exited ${r.command.signal ? `by ${escapeHtml(r.command.signal)}` : escapeHtml(r.command.exitCode ?? '?')}` : '';
  const rules = r.rules
    .map((rule) => `<tr id="${escapeHtml(rule.id)}"><td>${badge(rule.status)}</td><td>${escapeHtml(rule.level)}</td><td class="id">${escapeHtml(rule.id)}</td><td>${escapeHtml(rule.title)}<br><span class="muted">source: ${escapeHtml(rule.source)}</span></td><td class="n">${rule.violations}</td></tr>`)
    .join('');
  const robustness = r.robustness
    ? `<h2>Robustness profile</h2><table><thead><tr><th>verdict</th><th>fault</th><th>injected</th><th>counts as recovered</th><th>detail</th></tr></thead><tbody>${r.robustness
        .map((x) => `<tr><td>${badge(x.verdict)}</td><td class="id">${escapeHtml(x.fault)}</td><td>${escapeHtml(x.description)}</td><td>${escapeHtml(x.recovered)}<br><span class="muted">source: ${escapeHtml(x.source)}</span></td><td>${escapeHtml(x.detail)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const body = `<h1>Client verification report</h1>
${r.incomplete ? '<p class="incomplete"><strong>INCOMPLETE</strong>: the run was interrupted; this is what was seen until then.</p>' : ''}
<p class="verdict">${badge(r.summary.passed ? 'pass' : 'fail')} <strong>${verdict}</strong> — ${r.summary.flows} flow(s), ${r.summary.mustViolations} MUST and ${r.summary.shouldViolations} SHOULD violation(s)${r.strict ? ', --strict' : ''}${cmd}. Started ${escapeHtml(r.startedAt)}.</p>
${r.summary.failures.length ? `<ul>${r.summary.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : ''}
<p class="muted">MUST: documented by Ashby or by S3 for POST uploads (a violation fails the run). SHOULD: inferred (a warning unless --strict). Secrets (API keys, Authorization, Policy, signatures, presigned query strings) are redacted.${r.droppedRequests ? ` ${r.droppedRequests} oldest request(s) were dropped by the memory bound.` : ''}</p>
<h2>Rules</h2><table><thead><tr><th>status</th><th>level</th><th>rule</th><th>what the client must do</th><th>violations</th></tr></thead><tbody>${rules}</tbody></table>
${robustness}
<h2>Flows</h2>${r.flows.length ? r.flows.map(flowHtml).join('\n') : '<p>No flow was observed: the client never requested an upload handle.</p>'}
${r.stray.length || r.strayViolations.length ? `<h2>Stray requests</h2><p class="muted">Requests that belong to no flow (other API calls, uploads or follow-ups naming no issued handle).</p>${timelineTable(r.stray, 'since start')}${r.strayViolations.map(violationHtml).join('\n')}` : ''}`;
  return htmlPage({ title: `Client verification — ${verdict}`, css: CSS, body });
}
