// The drift report (`upload-harness drift`): console text, HTML and JUnit of the differences between
// the embedded mock and a target — one entry per behaviour, with which side follows the documented rule
// (or that the docs leave it open), the checks that show it, and each change mock → target.
import type { DriftDifference, DriftResults } from '../results/index.ts';
import { ruleText } from './changes.ts';
import { escapeHtml, htmlPage } from './html.ts';
import { toJUnitXml, type JUnitSuite } from './junit.ts';

const SIDES = ['mock', 'target'] as const;

function headline(r: DriftResults): string {
  const n = r.differences.length;
  const verdict = r.exitCode === 2 ? 'ERRORED' : n === 0 ? 'NO DRIFT' : 'DRIFT';
  return `${verdict}: ${n} difference${n === 1 ? '' : 's'} between the mock${r.mock.profile ? ` (profile ${r.mock.profile})` : ''} and ${r.target.name}; ${r.compared} checks compared${r.notCompared.length ? `, ${r.notCompared.length} not compared (not run to an outcome on one side)` : ''}`;
}

export function renderDriftText(r: DriftResults): string {
  const lines = [headline(r)];
  for (const e of r.harnessErrors) lines.push(`harness error: ${e}`);
  r.differences.forEach((d, i) => {
    lines.push(`  ${i + 1}. ${d.what} — ${ruleText(d.rule)}`, `     checks: ${d.checks.join(', ')}`);
    // One line per distinct change (a member added to every handle answer is one line, not thirty).
    const distinct = new Map<string, { what: string; before: string; after: string; n: number }>();
    for (const c of d.changes) {
      const key = `${c.what.replace(/#\d+:/, ':')}|${c.before}|${c.after}`;
      const seen = distinct.get(key);
      if (seen) seen.n++;
      else distinct.set(key, { what: c.what.replace(/#\d+:/, ':'), before: c.before, after: c.after, n: 1 });
    }
    for (const c of distinct.values()) lines.push(`     ${c.what}${c.n > 1 ? ` (${c.n}×)` : ''}`, `         mock    ${c.before}`, `         target  ${c.after}`);
  });
  return lines.join('\n');
}

function differenceHtml(d: DriftDifference, i: number): string {
  const rows = d.changes.map((c) => `<tr><td><code>${escapeHtml(c.id)}</code></td><td><pre>${escapeHtml(c.before)}</pre></td><td><pre>${escapeHtml(c.after)}</pre></td></tr>`).join('');
  return `<details class="check" open><summary><span class="badge ${d.rule === 'open' ? 'warn' : 'fail'}">${escapeHtml(d.rule.toUpperCase())}</span> ${i + 1}. ${escapeHtml(d.what)} <span class="muted">— ${escapeHtml(ruleText(d.rule))}</span></summary>
<p>Checks: ${d.checks.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')}</p>
<table class="changes"><thead><tr><th>change</th><th>${SIDES[0]}</th><th>${SIDES[1]}</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function renderDriftHtml(r: DriftResults): string {
  const body = `<h1>Drift report</h1>
<p class="verdict">${escapeHtml(headline(r))}.</p>
<p class="muted">The same conformance probes ran against the embedded mock and <code>${escapeHtml(r.target.baseUrl)}</code> (started ${escapeHtml(r.startedAt)}, ${(r.durationMs / 1000).toFixed(1)} s). A difference is one behaviour, however many checks show it; MOCK or TARGET says which side follows the documented rule (its MUST/SHOULD checks pass), OPEN that the docs leave it open.</p>
${r.harnessErrors.length ? `<h2>Harness errors</h2><pre>${escapeHtml(r.harnessErrors.join('\n'))}</pre>` : ''}
<h2>Differences</h2>${r.differences.length ? r.differences.map(differenceHtml).join('\n') : '<p><span class="badge pass">NONE</span> the target behaved as the mock in every compared check.</p>'}`;
  return htmlPage({ title: `Drift: ${r.target.name} — ${r.differences.length} difference(s)`, css: '.changes td{vertical-align:top}.changes pre{margin:0;white-space:pre-wrap}', body });
}

export function renderDriftJUnit(r: DriftResults): string {
  const cases: JUnitSuite['cases'] = r.differences.map((d) => ({
    name: d.id,
    classname: 'drift',
    timeSeconds: 0,
    outcome: 'failed',
    message: `${d.what} — ${ruleText(d.rule)}`,
    details: d.changes.map((c) => `${c.id}\nmock:   ${c.before}\ntarget: ${c.after}`).join('\n'),
  }));
  if (cases.length === 0) cases.push({ name: 'no drift', classname: 'drift', timeSeconds: 0, outcome: 'passed', message: `${r.compared} checks compared`, details: '' });
  return toJUnitXml(`upload-harness drift (${r.target.name})`, [{ name: 'drift', cases, properties: [{ name: 'target', value: r.target.baseUrl }, { name: 'notCompared', value: r.notCompared.join(',') }] }]);
}
