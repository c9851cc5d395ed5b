// The one writer of report files, for every command (conform, load, report merge, verify-client):
// renders a results model through the renderer registry (src/report) and writes
// <dir>/{results.json,index.html,junit.xml}. Secrets were removed where each model was built; the last
// pass here only DETECTS a known secret (the run's keys, in any form they travel in) and refuses to write
// it (exit 2) instead of rewriting rendered text (docs/decisions/0134-redaction-by-structure.md). The
// report folder is checked before a run (checkReportDir) so a bad --report-dir costs nothing; if writing
// still fails at the end, the report goes to a new temp folder that is named, so no result is lost. It
// also reads, once per process, the chart library the HTML reports inline.
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HarnessError, UsageError } from '../config/errors.ts';
import { findKnownSecrets } from '../config/redact.ts';
import { REPORT_FILES, renderReportFiles, type ReportAssets, type ReportFiles, type ReportKind, type ReportModels } from '../report/index.ts';

export interface WrittenReports {
  json: string;
  html: string;
  junit: string;
  /** results.json's text as written (for --json on stdout). */
  jsonText: string;
  /** Set when the asked folder could not be written and the report went to a temp folder instead. */
  fallback?: { wanted: string; reason: string };
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

const reason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));

/**
 * Before a run: the report folder exists (or is created) and is a writable directory. A path that is a
 * file, or a folder the process may not write, is a usage error now — not after the whole run.
 */
export async function checkReportDir(dir: string, option = '--report-dir'): Promise<void> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`${option} ${dir} is a file, not a folder`, `give a folder (it is created if missing), e.g. ${option} reports/run-1`);
  try {
    if (!info) await mkdir(path, { recursive: true });
    await access(path, constants.W_OK);
    // A real write: access() says yes to root on a read-only mount.
    const probe = join(path, `.upload-harness-write-test-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    throw new UsageError(`${option} ${dir} cannot be written (${reason(err)})`, `give a folder this user may write, e.g. ${option} ${join(tmpdir(), 'upload-harness-report')}`);
  }
}

/** The last pass: a known secret left in any text is a bug of the producer; nothing is written. */
function refuseKnownSecrets(files: ReportFiles, secrets: readonly string[]): void {
  for (const name of REPORT_FILES) {
    const found = findKnownSecrets(files[name], secrets);
    if (found.length) {
      throw new HarnessError('secret-in-report', `refusing to write the report: ${name} contains a known secret (secret #${found[0]! + 1} of the run, e.g. an API key)`);
    }
  }
}

async function writeInto(dir: string, files: ReportFiles): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  await Promise.all(REPORT_FILES.map((name) => writeFile(join(dir, name), files[name])));
  return { json: join(dir, 'results.json'), html: join(dir, 'index.html'), junit: join(dir, 'junit.xml'), jsonText: files['results.json'] };
}

async function writeReportFiles(dir: string, files: ReportFiles, secrets: readonly string[]): Promise<WrittenReports> {
  refuseKnownSecrets(files, secrets);
  try {
    return await writeInto(dir, files);
  } catch (err) {
    // The folder went away or became read-only during the run: the results are not lost.
    const fallback = await mkdtemp(join(tmpdir(), 'upload-harness-report-'));
    const written = await writeInto(fallback, files);
    const why = reason(err);
    process.stderr.write(`warning: could not write the report to ${dir} (${why}); it was written to ${fallback}\n`);
    return { ...written, fallback: { wanted: dir, reason: why } };
  }
}

/** Renders one results model of the given kind and writes its report folder. */
export async function writeReports<K extends ReportKind>(dir: string, kind: K, results: ReportModels[K], secrets: readonly string[]): Promise<WrittenReports> {
  return writeReportFiles(dir, renderReportFiles(kind, results, await loadReportAssets()), secrets);
}
