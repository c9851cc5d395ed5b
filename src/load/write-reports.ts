// Writes <report-dir>/{results.json, index.html, junit.xml} for a load run (or a merged one).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLoadHtml } from '../report/load-html.ts';
import { renderLoadJUnit } from '../report/load-junit.ts';
import type { LoadResults } from './results.ts';

export interface LoadReportPaths {
  json: string;
  html: string;
  junit: string;
}

export async function writeLoadReports(results: LoadResults, reportDir: string): Promise<LoadReportPaths> {
  await mkdir(reportDir, { recursive: true });
  const paths = { json: join(reportDir, 'results.json'), html: join(reportDir, 'index.html'), junit: join(reportDir, 'junit.xml') };
  await writeFile(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(paths.html, await renderLoadHtml(results));
  await writeFile(paths.junit, renderLoadJUnit(results));
  return paths;
}
