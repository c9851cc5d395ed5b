// The renderer registry and the one report writer: every kind renders the same three files from its
// model alone (renderers take the chart library as an argument and read no file), and the writer
// refuses to write a text that still holds a known secret (models are redacted where they are built).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportAssets, writeReports } from '../src/cli/report-files.ts';
import { redactKnownSecrets } from '../src/config/redact.ts';
import { LoadMeasurements } from '../src/load/measurements.ts';
import { REPORT_FILES, renderReportFiles, type ReportAssets } from '../src/report/index.ts';
import type { LoadResults, RunResults } from '../src/results/index.ts';
import { loadResultsOf } from './fixtures/load-results.ts';
import { runResultsOf } from './fixtures/run-results.ts';

const SECRET = 'sk_live_load_key_0123456789';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function loadResults(): LoadResults {
  const r = new LoadMeasurements(T0);
  for (let i = 0; i < 20; i++) {
    r.request('handle_create', i % 5 !== 0, 3 + i, 100, 200, T0 + i * 50);
    r.iterationStarted(T0 + i * 50);
    r.iterationDone(i % 5 !== 0, 3 + i, T0 + i * 50);
  }
  return {
    ...loadResultsOf(r, { startedAt: T0, durationMs: 1000, rate: 20, scenario: 'handle-create', engine: 'node', target: 'https://staging.example' }),
    // A target that echoes the key into an error message: the reason lands in results.json and the HTML.
    errors: { [`handle_create: HTTP 403 unknown key ${SECRET}`]: 4 },
  };
}

const conformanceResults = (): RunResults => runResultsOf([], 1);

describe('renderer registry', () => {
  const fake: ReportAssets = { uplot: { js: '/*FAKE-UPLOT-JS*/', css: '/*FAKE-UPLOT-CSS*/' } };
  it('renders the same three files for every kind', () => {
    for (const files of [renderReportFiles('load', loadResults(), fake), renderReportFiles('conformance', conformanceResults(), fake)]) {
      expect(Object.keys(files).sort()).toEqual([...REPORT_FILES].sort());
      for (const name of REPORT_FILES) expect(files[name].length).toBeGreaterThan(50);
    }
  });
  it('the load HTML inlines the chart library it is given (renderers read no file)', () => {
    const html = renderReportFiles('load', loadResults(), fake)['index.html'];
    expect(html).toContain('/*FAKE-UPLOT-JS*/');
    expect(html).toContain('/*FAKE-UPLOT-CSS*/');
  });
});

describe('the one report writer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uh-report-files-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses a load model that still holds a known secret; the redacted model is written, uPlot intact', async () => {
    const leaky = loadResults();
    expect(renderReportFiles('load', leaky, await loadReportAssets())['results.json']).toContain(SECRET); // the model carries it
    await expect(writeReports(join(dir, 'leaky'), 'load', leaky, [SECRET])).rejects.toThrow(/refusing to write the report/);
    const r = redactKnownSecrets(leaky, [SECRET]); // what the load run does where it builds the model
    const paths = await writeReports(join(dir, 'load'), 'load', r, [SECRET]);
    const texts = await Promise.all([paths.json, paths.html, paths.junit].map((p) => readFile(p, 'utf8')));
    for (const text of texts) expect(text).not.toContain(SECRET);
    expect(JSON.parse(texts[0]!).errors).toEqual({ 'handle_create: HTTP 403 unknown key [redacted]': 4 });
    expect(paths.jsonText).toBe(texts[0]);
    const { uplot } = await loadReportAssets();
    expect(uplot.js.length).toBeGreaterThan(10_000);
    expect(texts[1]).toContain(uplot.js);
    expect(texts[1]).toContain(uplot.css);
  });

  it('writes a folder for each kind at the paths it returns', async () => {
    const paths = await writeReports(join(dir, 'conformance', 'nested'), 'conformance', conformanceResults(), []);
    expect([paths.json, paths.html, paths.junit].map((p) => p.slice(join(dir, 'conformance', 'nested').length + 1))).toEqual(['results.json', 'index.html', 'junit.xml']);
    expect(JSON.parse(await readFile(paths.json, 'utf8')).tool).toBe('upload-harness conform');
  });
});
