// The load report: one self-contained, offline HTML file. uPlot's JS and CSS are inlined (the writer
// hands them in as `assets`, read once; this renderer does no I/O); the data is embedded as JSON.
// A banner names every fault the mock injected (its errors are not the target's). Charts: target vs
// achieved iterations and errors per second, latency percentiles per stage over time, latency
// distribution, bytes/s. Tables: the arrival rate (held or not, and why), totals per stage, thresholds
// (colour + text), baseline deltas, errors, run configuration.
import { decodeHistogram, describeFault, percentileMs, type LoadResults, type RateRecord, type SecondBucket, type StageName, type StageSummary } from '../results/index.ts';
import { embedJson, escapeHtml, htmlPage } from './html.ts';

const DISTRIBUTION_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 100];

/** The chart library inlined into the page (uPlot's minified IIFE build and its stylesheet). */
export interface ChartAssets {
  js: string;
  css: string;
}

const fmt = (n: number | null | undefined, digits = 2) => (n === null || n === undefined ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(digits));

const LATENCY_HEAD = '<th>min</th><th>avg</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th>';
const latencyCells = (s: StageSummary) => { const l = s.latencyMs; return `<td>${fmt(l.min)}</td><td>${fmt(l.avg)}</td><td>${fmt(l.med)}</td><td>${fmt(l.p90)}</td><td>${fmt(l.p95)}</td><td>${fmt(l.p99)}</td><td>${fmt(l.max)}</td>`; };

/** Service time beside latency from the intended start, per stage and per iteration (node engine). */
function intendedSection(r: LoadResults): string {
  if (!r.intended) return '';
  const rows: [string, StageSummary | undefined, StageSummary | undefined][] = [
    ...(Object.keys(r.intended.stages) as StageName[]).map((st): [string, StageSummary | undefined, StageSummary | undefined] => [st, r.stages[st], r.intended!.stages[st]]),
    ['iteration', r.iteration, r.intended.iteration],
  ];
  return `<h2>Latency from the intended start</h2>
<p class="muted">Measured from when the arrival schedule meant each iteration (and, after it, each stage) to start, beside the service time from the actual send; a stall that delays starts shows only in the first (metrics <code>&lt;stage&gt;_duration_intended</code>, <code>iteration_duration_intended</code>).</p>
<table><tr><th>stage</th><th>measured from</th><th>n</th>${LATENCY_HEAD}</tr>
${rows.flatMap(([name, service, intended]) => [service ? `<tr><td>${escapeHtml(name)}</td><td>actual start</td><td>${service.count}</td>${latencyCells(service)}</tr>` : '', intended ? `<tr><td>${escapeHtml(name)}</td><td>intended start</td><td>${intended.count}</td>${latencyCells(intended)}</tr>` : '']).join('\n')}
</table>`;
}

/** Every fault the embedded mock injected, above everything else: the errors below include its answers. */
function faultBanner(r: LoadResults): string {
  if (r.faults.length === 0) return '';
  return `<div class="banner" role="note"><strong>Injected faults:</strong> ${r.faults.map((f) => `<code>${escapeHtml(describeFault(f))}</code>`).join(', ')}. The embedded mock was told to misbehave: errors and latencies below include the answers these faults produced, which are the mock's, not the target's.</div>`;
}

const rateCells = (rows: [string, string][]) => rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('\n');

/** The arrival rate: asked for, started, achieved, late and dropped (by cause), VUs, the generator's load; why not held. */
function rateSection(rate: RateRecord): string {
  const badge = rate.held ? '<span class="badge pass">RATE HELD</span>' : `<span class="badge ${rate.allowShortfall ? 'warn' : 'fail'}">RATE NOT HELD</span>`;
  const d = rate.startDelay?.ms;
  const g = rate.generator;
  const rows: [string, string][] = [
    ['target rate', `${fmt(rate.targetRate)} it/s (${rate.scheduled} iterations scheduled)`],
    ['started', `${rate.started} iterations, ${fmt(rate.startRate)} it/s`],
    ['achieved (completed)', `${fmt(rate.achievedRate)} it/s over ${fmt(rate.windowMs / 1000, 2)} s (first scheduled start to last completion)`],
    ['late', rate.late === undefined ? 'not measured' : `${rate.late} (started more than ${fmt(rate.maxStartDelayMs)} ms after due)`],
    ['dropped', `${rate.dropped.maxVUs + rate.dropped.notStarted}: ${rate.dropped.maxVUs} found every VU busy, ${rate.dropped.notStarted} never started`],
    ['max VUs', `${rate.maxVUs.limit}${rate.maxVUs.peak === undefined ? '' : `, peak ${rate.maxVUs.peak} in flight`}${rate.maxVUs.exhausted ? ' — <strong>exhausted</strong>' : ''}${rate.maxVUs.warning ? ` (k6: ${escapeHtml(rate.maxVUs.warning)})` : ''}`],
    ['start delay', d ? `p50 ${fmt(d.med)} ms, p99 ${fmt(d.p99)} ms, max ${fmt(d.max)} ms` : 'not measured'],
    ['load generator', g ? `event loop busy ${fmt(g.eventLoopUtilization * 100, 1)} %, delay p99 ${fmt(g.eventLoopDelayMs.p99)} ms, max ${fmt(g.eventLoopDelayMs.max)} ms${g.saturated ? ' — <strong>saturated</strong>: the generator, not (only) the target, limited the rate' : ''}` : 'not measured'],
  ];
  const why = rate.shortfalls.length ? `<p><strong>Rate not held${rate.allowShortfall ? ' (allowed by --allow-rate-shortfall)' : ''}:</strong></p><ul>${rate.shortfalls.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : '';
  const unmeasured = rate.notMeasured.length ? `<p class="muted">Not measured by this engine: ${rate.notMeasured.map(escapeHtml).join('; ')}.</p>` : '';
  return `<h2>Arrival rate ${badge}</h2>${why}<table>${rateCells(rows)}</table>${unmeasured}
<p class="muted">Held when iterations started at ≥ 95 % of the target rate and no more than 1 % of the scheduled iterations were late or dropped.</p>`;
}

/**
 * The part of each wall-clock second of the series that lies inside the run's window (or its first
 * `durationMs`): the run's first and last seconds are partial, and their counts divided by it are
 * rates per second like the others — so the achieved line, averaged over the run, is the achieved
 * rate. (Under a tenth of a second the estimate is too noisy to scale further; parts merged one after
 * another are shown as recorded.)
 */
function secondShares(r: LoadResults, durationMs = r.run.durationMs): number[] {
  const start = Date.parse(r.run.startedAt) / 1000;
  const end = start + durationMs / 1000;
  return r.series.map((s) => (r.run.sequential ? 1 : Math.min(1, Math.max(0.1, Math.min(s.t + 1, end) - Math.max(s.t, start)))));
}

export function renderLoadHtml(r: LoadResults, uplot: ChartAssets): string {
  const { js, css } = uplot;
  const stages = (Object.keys(r.stages) as StageName[]).filter((s) => s !== 'setup');
  const t0 = r.series[0]?.t ?? 0;
  const share = secondShares(r);
  const perSecond = (f: (s: SecondBucket) => number, of = share) => r.series.map((s, i) => Math.round(f(s) / of[i]!));
  const chartData = {
    x: r.series.map((s) => s.t - t0),
    // The target over the schedule's own seconds (it may end inside a second the run still fills).
    scheduled: perSecond((s) => s.scheduled, secondShares(r, r.options.durationMs)),
    started: perSecond((s) => s.started),
    completed: perSecond((s) => s.completed),
    failed: perSecond((s) => s.failed),
    dropped: perSecond((s) => s.dropped),
    httpFailed: perSecond((s) => s.httpFailed),
    bytesSent: perSecond((s) => s.bytesSent),
    bytesReceived: perSecond((s) => s.bytesReceived),
    stages: Object.fromEntries(stages.map((st) => [st, { p50: r.series.map((s) => s.stages[st]?.p50 ?? null), p95: r.series.map((s) => s.stages[st]?.p95 ?? null), p99: r.series.map((s) => s.stages[st]?.p99 ?? null) }])),
    distribution: { x: DISTRIBUTION_PERCENTILES, stages: Object.fromEntries(stages.map((st) => { const h = decodeHistogram(r.stages[st]!.histogram); return [st, DISTRIBUTION_PERCENTILES.map((p) => percentileMs(h, p))]; })) },
  };
  const failedThresholds = r.thresholds.filter((t) => !t.ok).length;
  const incomplete = r.run.incomplete;
  const rateFailed = !r.rate.held && !r.rate.allowShortfall;
  const verdict = incomplete
    ? '<span class="badge fail">INCOMPLETE</span>'
    : failedThresholds > 0 || r.baseline?.ok === false || rateFailed
      ? `<span class="badge fail">FAILED</span>${rateFailed ? ' <span class="badge fail">RATE NOT HELD</span>' : ''}`
      : '<span class="badge pass">PASSED</span>';
  const body = `
<h1>Load report: ${escapeHtml(r.scenario)} ${verdict}</h1>
<p class="muted">engine ${escapeHtml(r.engine)} · target ${escapeHtml(r.target)} · ${escapeHtml(r.run.startedAt)} · ${fmt(r.run.durationMs / 1000, 1)} s · target ${fmt(r.rate.targetRate)} it/s, achieved ${fmt(r.rate.achievedRate)} it/s · instances ${escapeHtml(r.run.instances.join(', '))}</p>
${faultBanner(r)}
${incomplete ? `<p><strong>Incomplete run:</strong> interrupted by ${escapeHtml(incomplete.signal)}${incomplete.aborted ? ', in-flight iterations aborted' : ', in-flight iterations given the graceful stop'}, after ${fmt(incomplete.actualDurationMs / 1000, 1)} s of the planned ${fmt(incomplete.plannedDurationMs / 1000, 1)} s. The numbers below are what was recorded until then; thresholds are not a verdict.</p>` : ''}
${rateSection(r.rate)}
<h2>Totals</h2>
<table><tr><th>iterations</th><th>achieved rate</th><th>failed iterations</th><th>dropped</th><th>HTTP requests</th><th>HTTP errors</th><th>checks passed</th><th>sent</th><th>received</th></tr>
<tr><td>${r.totals.iterations}</td><td>${fmt(r.totals.achievedRate)} it/s</td><td>${r.totals.iterationsFailed}</td><td>${r.totals.droppedIterations}</td><td>${r.totals.httpReqs}</td><td>${r.totals.httpReqFailed}</td><td>${r.totals.checksPassed}/${r.totals.checksPassed + r.totals.checksFailed}</td><td>${fmt(r.totals.bytesSent)} B</td><td>${fmt(r.totals.bytesReceived)} B</td></tr></table>
<h2>Stages</h2>
<table><tr><th>stage</th><th>requests</th><th>errors</th>${LATENCY_HEAD}<th>sent</th><th>received</th></tr>
${(Object.keys(r.stages) as StageName[]).map((st) => { const s = r.stages[st]!; return `<tr><td>${escapeHtml(st)}</td><td>${s.count}</td><td>${s.errors}</td>${latencyCells(s)}<td>${s.bytesSent}</td><td>${s.bytesReceived}</td></tr>`; }).join('\n')}
</table><p class="muted">Latencies in milliseconds (HdrHistogram, 3 significant digits).</p>
${intendedSection(r)}
<h2>Thresholds</h2>
${r.thresholds.length === 0 ? '<p class="muted">No thresholds were set.</p>' : `<table><tr><th>result</th><th>metric</th><th>expression</th><th>observed</th></tr>
${r.thresholds.map((t) => `<tr><td><span class="badge ${t.ok ? 'pass' : 'fail'}">${t.ok ? 'PASS' : 'FAIL'}</span></td><td><code>${escapeHtml(t.metric)}</code></td><td><code>${escapeHtml(t.expression)}</code></td><td>${fmt(t.actual, 4)}</td></tr>`).join('\n')}</table>`}
${r.baseline ? `<h2>Baseline comparison</h2><p class="muted">against ${escapeHtml(r.baseline.file)}, limit ${r.baseline.maxRegressionPct}%</p>
<table><tr><th>result</th><th>metric</th><th>baseline</th><th>current</th><th>delta</th></tr>
${r.baseline.rows.map((row) => `<tr><td><span class="badge ${row.regression ? 'fail' : 'pass'}">${row.regression ? 'REGRESSED' : 'OK'}</span></td><td>${escapeHtml(row.metric)}</td><td>${fmt(row.baseline)}</td><td>${fmt(row.current)}</td><td>${row.deltaPct > 0 ? '+' : ''}${fmt(row.deltaPct, 1)}%</td></tr>`).join('\n')}</table>` : ''}
<h2>Throughput and errors per second</h2><div id="chart-throughput" role="figure" aria-label="chart: target and achieved iterations, and errors, per second over time"></div>
<p class="muted">Per second: target, iterations the schedule had due; achieved, iterations completed. The run's first and last seconds are partial: their counts are shown as rates per second.</p>
<h2>Latency percentiles over time</h2>${stages.map((st) => `<h3>${escapeHtml(st)}</h3><div id="chart-latency-${escapeHtml(st)}" role="figure" aria-label="chart: ${escapeHtml(st)} latency p50, p95, p99 over time"></div>`).join('')}
<h2>Latency distribution</h2><div id="chart-distribution" role="figure" aria-label="chart: latency by percentile per stage"></div><p class="muted">x: percentile, y: milliseconds.</p>
<h2>Bytes per second</h2><div id="chart-bytes" role="figure" aria-label="chart: bytes sent and received per second"></div>
<h2>Errors</h2>
${Object.keys(r.errors).length === 0 ? '<p>None.</p>' : `<table><tr><th>stage: reason</th><th>count</th></tr>${Object.entries(r.errors).sort((a, b) => b[1] - a[1]).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${v}</td></tr>`).join('')}</table>`}
<h2>Run configuration</h2>
<pre>${escapeHtml(JSON.stringify({ scenario: r.scenario, engine: r.engine, target: r.target, options: r.options, run: r.run }, null, 2))}</pre>
<script type="application/json" id="load-data">${embedJson(chartData)}</script>`;
  return htmlPage({ title: `Load report: ${r.scenario}`, css: `${css}${BANNER_CSS}`, body, script: `${js}\n${DRAW}` });
}

const BANNER_CSS = '.banner{border:2px solid var(--warn);background:#fff8c5;padding:8px 12px;margin:12px 0;border-radius:6px}';

// Drawing code (runs in the browser). Kept small and dependency-free apart from uPlot.
const DRAW = `
(function(){
  var d = JSON.parse(document.getElementById('load-data').textContent);
  var W = Math.min(1100, document.body.clientWidth - 20);
  var colors = ['#0969da','#1a7f37','#cf222e','#9a6700','#8250df','#57606a'];
  function plot(id, title, xs, series, xlabel, ylabel){
    var el = document.getElementById(id); if (!el || xs.length === 0) return;
    var opts = { title: title, width: W, height: 260, scales: { x: { time: false } },
      axes: [{ label: xlabel }, { label: ylabel }],
      series: [{ label: xlabel }].concat(series.map(function(s, i){ return { label: s.label, stroke: colors[i % colors.length], width: 1.5, spanGaps: true }; })) };
    new uPlot(opts, [xs].concat(series.map(function(s){ return s.data; })), el);
  }
  plot('chart-throughput', 'iterations and errors per second', d.x, [
    { label: 'target', data: d.scheduled }, { label: 'achieved (completed)', data: d.completed }, { label: 'started', data: d.started },
    { label: 'failed', data: d.failed }, { label: 'dropped', data: d.dropped }, { label: 'HTTP errors', data: d.httpFailed }], 'second', 'per second');
  Object.keys(d.stages).forEach(function(st){
    var s = d.stages[st];
    plot('chart-latency-' + st, st + ' latency (ms)', d.x, [{ label: 'p50', data: s.p50 }, { label: 'p95', data: s.p95 }, { label: 'p99', data: s.p99 }], 'second', 'ms');
  });
  plot('chart-distribution', 'latency by percentile', d.distribution.x, Object.keys(d.distribution.stages).map(function(st){ return { label: st, data: d.distribution.stages[st] }; }), 'percentile', 'ms');
  plot('chart-bytes', 'bytes per second', d.x, [{ label: 'sent', data: d.bytesSent }, { label: 'received', data: d.bytesReceived }], 'second', 'bytes/s');
})();
`;
