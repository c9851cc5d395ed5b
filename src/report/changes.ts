// A behaviour comparison (conform --baseline: changes since the baseline; drift: the mock against a
// target) as console text, an HTML section and a JUnit suite: one entry per change with its id (what
// --accept-changes lists), what changed, and before → after. Pure, like every renderer.
import type { BehaviourComparison, RuleVerdict } from '../results/index.ts';
import { escapeHtml } from './html.ts';
import type { JUnitSuite } from './junit.ts';

const RULE: Record<RuleVerdict, string> = {
  mock: 'the mock follows the documented rule',
  target: 'the target follows the documented rule',
  neither: 'neither follows the documented rule',
  open: 'the docs leave this open',
};

export function ruleText(rule: RuleVerdict): string {
  return RULE[rule];
}

/** `title` heads the section ("changes since baseline", "drift"); `sides` names before and after. */
export function renderChangesText(c: BehaviourComparison, title: string, sides: [string, string] = ['before', 'after']): string {
  const open = c.changes.filter((x) => x.accepted === undefined).length;
  const lines = [`${title} (${c.baseline}): ${c.changes.length} change${c.changes.length === 1 ? '' : 's'}${c.changes.length ? `, ${open} not accepted` : ''}; ${c.compared} checks compared${c.notCompared.length ? `, ${c.notCompared.length} not compared (not run to an outcome on one side)` : ''}${c.maxRegressionPct !== undefined ? `; latency beyond ${c.maxRegressionPct} %` : ''}`];
  const width = Math.max(...sides.map((s) => s.length));
  for (const x of c.changes) {
    lines.push(`  ${x.accepted !== undefined ? 'ACCEPTED' : 'CHANGED '} ${x.id}: ${x.what}${x.rule ? ` — ${RULE[x.rule]}` : ''}${x.accepted !== undefined ? ` (accepted: ${x.accepted})` : ''}`);
    lines.push(`      ${sides[0].padEnd(width)}  ${x.before}`, `      ${sides[1].padEnd(width)}  ${x.after}`);
  }
  return lines.join('\n');
}

/** An HTML section: a table of changes (id, what, before, after, and the rule or the acceptance). */
export function renderChangesHtml(c: BehaviourComparison, title: string, sides: [string, string] = ['before', 'after']): string {
  const open = c.changes.filter((x) => x.accepted === undefined).length;
  const head = `<h2>${escapeHtml(title)}</h2><p>${c.changes.length === 0 ? '<span class="badge pass">NONE</span> no change' : `<span class="badge ${open ? 'fail' : 'pass'}">${open ? 'CHANGED' : 'ACCEPTED'}</span> ${c.changes.length} change(s), ${open} not accepted`} — compared with <code>${escapeHtml(c.baseline)}</code>: ${c.compared} checks compared${c.notCompared.length ? `, not compared (not run to an outcome on one side): ${c.notCompared.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}` : ''}${c.maxRegressionPct !== undefined ? `; latency beyond ${c.maxRegressionPct} %` : ''}.</p>`;
  if (c.changes.length === 0) return head;
  const rows = c.changes.map((x) => `<tr><td><code>${escapeHtml(x.id)}</code></td><td>${escapeHtml(x.kind)}</td><td>${escapeHtml(x.what)}</td><td><pre>${escapeHtml(x.before)}</pre></td><td><pre>${escapeHtml(x.after)}</pre></td><td>${x.rule ? escapeHtml(RULE[x.rule]) : x.accepted !== undefined ? `accepted: ${escapeHtml(x.accepted)}` : 'not accepted'}</td></tr>`);
  return `${head}<table class="changes"><thead><tr><th>id</th><th>kind</th><th>what</th><th>${escapeHtml(sides[0])}</th><th>${escapeHtml(sides[1])}</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A JUnit suite with one case per change: failed unless accepted; one passing case when nothing changed. */
export function changesJUnitSuite(c: BehaviourComparison, name: string, sides: [string, string] = ['before', 'after']): JUnitSuite {
  const cases = c.changes.map((x) => ({
    name: x.id,
    classname: name,
    timeSeconds: 0,
    outcome: x.accepted !== undefined ? ('passed' as const) : ('failed' as const),
    message: `${x.what}${x.rule ? ` — ${RULE[x.rule]}` : ''}`,
    details: `${sides[0]}: ${x.before}\n${sides[1]}: ${x.after}`,
    ...(x.accepted !== undefined ? { output: `accepted: ${x.accepted}\n${sides[0]}: ${x.before}\n${sides[1]}: ${x.after}` } : {}),
  }));
  if (cases.length === 0) cases.push({ name: 'no change', classname: name, timeSeconds: 0, outcome: 'passed', message: `${c.compared} checks compared with ${c.baseline}`, details: '' });
  return { name, cases, properties: [{ name: 'baseline', value: c.baseline }, { name: 'notCompared', value: c.notCompared.join(',') }] };
}
