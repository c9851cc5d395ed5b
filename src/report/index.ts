// The renderer registry (like Vitest's reporters): for each kind of results model, one renderer per
// report file. Renderers are pure: a model (from src/results) and the assets the writer read once in,
// a string out; no file or network I/O. A new kind of report adds its model to ReportModels and its
// renderers to RENDERERS; the one writer (src/cli/report-files.ts) then writes it like the others.
import type { DriftResults, LoadResults, RunResults } from '../results/index.ts';
import type { ClientResults } from '../results/client.ts';
import { renderClientHtml } from './client-html.ts';
import { renderClientJUnit } from './client-junit.ts';
import { renderConformanceHtml } from './conformance-html.ts';
import { renderConformanceJUnit } from './conformance-junit.ts';
import { renderDriftHtml, renderDriftJUnit } from './drift.ts';
import { renderResultsJson } from './json.ts';
import { renderLoadHtml, type ChartAssets } from './load-html.ts';
import { renderLoadJUnit } from './load-junit.ts';

/** Every report folder holds these three files, whatever the kind. */
export const REPORT_FILES = ['results.json', 'index.html', 'junit.xml'] as const;
type ReportFileName = (typeof REPORT_FILES)[number];
export type ReportFiles = Record<ReportFileName, string>;

/** What renderers need besides the model, read once by the writer (renderers never read files). */
export interface ReportAssets {
  uplot: ChartAssets;
}

/** The results model each kind of report renders. */
export interface ReportModels {
  conformance: RunResults;
  load: LoadResults;
  client: ClientResults;
  drift: DriftResults;
}
export type ReportKind = keyof ReportModels;

type Renderer<M> = (results: M, assets: ReportAssets) => string;
type Renderers<M> = Record<ReportFileName, Renderer<M>>;

const RENDERERS: { [K in ReportKind]: Renderers<ReportModels[K]> } = {
  conformance: {
    'results.json': renderResultsJson,
    'index.html': renderConformanceHtml,
    'junit.xml': renderConformanceJUnit,
  },
  load: {
    'results.json': renderResultsJson,
    'index.html': (results, assets) => renderLoadHtml(results, assets.uplot),
    'junit.xml': renderLoadJUnit,
  },
  client: {
    'results.json': renderResultsJson,
    'index.html': renderClientHtml,
    'junit.xml': renderClientJUnit,
  },
  drift: {
    'results.json': renderResultsJson,
    'index.html': renderDriftHtml,
    'junit.xml': renderDriftJUnit,
  },
};

/** The texts of one report folder (not yet redacted: the writer does that as its last step). */
export function renderReportFiles<K extends ReportKind>(kind: K, results: ReportModels[K], assets: ReportAssets): ReportFiles {
  const renderers: Renderers<ReportModels[K]> = RENDERERS[kind];
  const files = {} as ReportFiles;
  for (const name of REPORT_FILES) files[name] = renderers[name](results, assets);
  return files;
}
