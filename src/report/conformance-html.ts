// The conformance HTML report: one self-contained page (no external requests, works offline). The
// summary by group and level is a plain table readable without JavaScript; every non-passing check is a
// <details> block with expected vs received, the rule's source, the redacted exchange and a curl line.
// Status is shown as colour AND text (never colour alone).
import { GROUPS, LEVELS, STATUSES, type CheckResult, type Counts, type Exchange, type RunResults } from '../results/index.ts';
import { renderChangesHtml } from './changes.ts';
import { escapeHtml, htmlPage } from './html.ts';

const CSS = `
.summary td.n{text-align:right;font-variant-numeric:tabular-nums}.summary td.zero{color:var(--muted)}.verdict{font-size:18px;margin:8px 0}
.check{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 8px}.check>summary{list-style:none}
.lvl{display:inline-block;min-width:68px;font-weight:600}.id{font-family:ui-monospace,monospace}
.changes td{vertical-align:top}.changes pre{margin:0;white-space:pre-wrap}
.kv{display:grid;grid-template-columns:120px 1fr;gap:2px 12px}.kv dt{color:var(--muted)}.kv dd{margin:0}
`;

const badge = (status: string) => `<span class="badge ${status === 'error' ? 'error' : escapeHtml(status)}">${escapeHtml(status.toUpperCase())}</span>`;

function countsRow(label: string, c: Counts): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th>${STATUSES.map((s) => `<td class="n${c[s] === 0 ? ' zero' : ''}">${c[s]}</td>`).join('')}<td class="n">${c.total}</td></tr>`;
}

function summaryTable(title: string, rows: Array<[string, Counts]>): string {
  return `<table class="summary"><caption class="muted">${escapeHtml(title)}</caption><thead><tr><th></th>${STATUSES.map((s) => `<th>${badge(s)}</th>`).join('')}<th>total</th></tr></thead><tbody>${rows.map(([l, c]) => countsRow(l, c)).join('')}</tbody></table>`;
}

function exchangeHtml(e: Exchange, i: number): string {
  const head = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');
  const answer = e.error ? `no answer: ${e.error}` : `HTTP ${e.status}\n${head(e.responseHeaders)}\n\n${e.responseBody}`;
  return `<details><summary>#${i + 1} ${escapeHtml(e.method)} ${escapeHtml(e.url)} → ${escapeHtml(e.error ? 'error' : String(e.status))} <span class="muted">(${Math.round(e.durationMs)} ms)</span></summary>
<h3>Request</h3><pre>${escapeHtml(`${e.method} ${e.url}\n${head(e.requestHeaders)}\n\n${e.requestBody}`)}</pre>
<h3>Response</h3><pre>${escapeHtml(answer)}</pre>
<h3>Reproduce</h3><pre>${escapeHtml(e.curl)}</pre></details>`;
}

function checkHtml(c: CheckResult): string {
  const rows: Array<[string, string | undefined]> = [
    ['title', c.title],
    ['source', c.source],
    ['message', c.message],
    ['expected', c.expected],
    ['received', c.received],
    ['deviation', c.deviation],
    ['observed', c.observations.length ? c.observations.join('\n') : undefined],
    ['duration', `${c.durationMs} ms`],
  ];
  const kv = rows.filter(([, v]) => v !== undefined).map(([k, v]) => `<dt>${k}</dt><dd>${k === 'expected' || k === 'received' || k === 'observed' ? `<pre>${escapeHtml(v)}</pre>` : escapeHtml(v)}</dd>`).join('');
  const open = c.status === 'fail' || c.status === 'error' ? ' open' : '';
  return `<details class="check" id="${escapeHtml(c.id)}"${open}><summary>${badge(c.status)} <span class="lvl">${escapeHtml(c.level)}</span> <span class="id">${escapeHtml(c.id)}</span> <span class="muted">— ${escapeHtml(c.title)}</span></summary>
<dl class="kv">${kv}</dl>
${c.curl ? `<h3>Reproduce (last request)</h3><pre>${escapeHtml(c.curl)}</pre>` : ''}
${c.exchanges.length ? `<h3>Exchanges (redacted)</h3>${c.exchanges.map(exchangeHtml).join('')}` : ''}</details>`;
}

export function renderConformanceHtml(r: RunResults): string {
  const verdict = r.exitCode === 0 ? 'PASSED' : r.exitCode === 1 ? 'FAILED' : 'ERRORED';
  const verdictClass = r.exitCode === 0 ? 'pass' : r.exitCode === 1 ? 'fail' : 'error';
  const body = `<h1>Conformance report</h1>
<p class="verdict">${badge(verdictClass)} <strong>${verdict}</strong> — target <code>${escapeHtml(r.target.name)}</code> (<code>${escapeHtml(r.target.baseUrl)}</code>), ${r.summary.counts.total} checks in ${(r.durationMs / 1000).toFixed(1)} s, started ${escapeHtml(r.startedAt)}${r.options.strict ? ', --strict' : ''}.</p>
<p class="muted">MUST: documented by Ashby or S3 (a failure fails the run). SHOULD: inferred (a warning unless --strict). INFO: recorded, never fails (an answer outside the documented classes met by an INFO check fails <code>envelope.no-server-error</code> instead, naming the INFO check). Skipped checks need configuration the target lacks; they never pass.</p>
${r.changes ? renderChangesHtml(r.changes, 'Changes since baseline', ['baseline', 'this run']) : ''}
${r.harnessErrors.length ? `<h2>Harness errors</h2><pre>${escapeHtml(r.harnessErrors.join('\n'))}</pre>` : ''}
<h2>Summary</h2>
${summaryTable('by group', GROUPS.map((g) => [g, r.summary.byGroup[g]]))}
${summaryTable('by level', LEVELS.map((l) => [l, r.summary.byLevel[l]]))}
${GROUPS.filter((g) => r.checks.some((c) => c.group === g))
  .map((g) => `<h2>${escapeHtml(g)}</h2>${r.checks.filter((c) => c.group === g).map(checkHtml).join('\n')}`)
  .join('\n')}`;
  return htmlPage({ title: `Conformance: ${r.target.name} — ${verdict}`, css: CSS, body });
}
