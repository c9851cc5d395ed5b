// The one writer of report files, for every command (conform, load, report merge): renders a results
// model through the renderer registry (src/report), redacts every text with the run's known secrets —
// the texts were redacted where they were recorded; this is the last line of defence — and writes
// <dir>/{results.json,index.html,junit.xml}. It also reads, once per process, the chart library the
// HTML reports inline, so that renderers never touch the file system.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { redactText } from '../config/redact.ts';
import { REPORT_FILES, renderReportFiles, type ReportAssets, type ReportFiles, type ReportKind, type ReportModels } from '../report/index.ts';

export interface WrittenReports {
  json: string;
  html: string;
  junit: string;
  /** results.json's text as written (for --json on stdout). */
  jsonText: string;
}

let assets: Promise<ReportAssets> | undefined;

/** uPlot's minified IIFE build and stylesheet from its package's dist/ folder, read once. */
export function loadReportAssets(): Promise<ReportAssets> {
  assets ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
    const base = dist.endsWith('dist') ? dist : join(dist, 'dist');
    const [js, css] = await Promise.all([readFile(join(base, 'uPlot.iife.min.js'), 'utf8'), readFile(join(base, 'uPlot.min.css'), 'utf8')]);
    return { uplot: { js, css } };
  })();
  return assets;
}

async function writeReportFiles(dir: string, files: ReportFiles, secrets: readonly string[]): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const texts = Object.fromEntries(REPORT_FILES.map((name) => [name, redactText(files[name], secrets)])) as ReportFiles;
  await Promise.all(REPORT_FILES.map((name) => writeFile(join(dir, name), texts[name])));
  return { json: join(dir, 'results.json'), html: join(dir, 'index.html'), junit: join(dir, 'junit.xml'), jsonText: texts['results.json'] };
}

/** Renders one results model of the given kind and writes its report folder. */
export async function writeReports<K extends ReportKind>(dir: string, kind: K, results: ReportModels[K], secrets: readonly string[]): Promise<WrittenReports> {
  return writeReportFiles(dir, renderReportFiles(kind, results, await loadReportAssets()), secrets);
}
