// results.json (stable key order, catalogue order of checks, schemaVersion) and the writer of all three
// conformance reports. Every text has already been redacted by the client; this writer re-checks the
// run's known secrets as a last line of defence.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResults } from '../conformance/results.ts';
import { redactText } from '../config/redact.ts';
import { renderConformanceHtml } from './conformance-html.ts';
import { renderConformanceJUnit } from './conformance-junit.ts';

export function renderConformanceJson(r: RunResults): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export interface WrittenReports {
  html: string;
  junit: string;
  json: string;
  /** results.json's text as written (for --json on stdout). */
  jsonText: string;
}

export async function writeConformanceReports(dir: string, r: RunResults, secrets: readonly string[]): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const paths = { html: join(dir, 'index.html'), junit: join(dir, 'junit.xml'), json: join(dir, 'results.json') };
  const scrub = (text: string) => redactText(text, secrets);
  const jsonText = scrub(renderConformanceJson(r));
  await Promise.all([writeFile(paths.html, scrub(renderConformanceHtml(r))), writeFile(paths.junit, scrub(renderConformanceJUnit(r))), writeFile(paths.json, jsonText)]);
  return { ...paths, jsonText };
}
