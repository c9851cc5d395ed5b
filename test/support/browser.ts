// Shared by the browser tests and scripts/screenshots.ts: generates the HTML reports from
// real runs (conform clean, conform against a faulty mock (no-size-check + no-signature-check), a load run, a load run with --baseline) and
// opens each in headless Debian Chromium (playwright-core, never a downloaded browser).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { DEFAULT_JOB_POSTING_ID, startMockServer } from '../../src/mock/index.ts';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The Chromium every browser test and browser client uses: CHROMIUM_BIN, else Debian's. The one
 * variable for it (the .mjs clients read the same name).
 */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
/** The screenshots of docs/reports-and-ci.md, rewritten by scripts/screenshots.ts (tracked in git). */
const SCREENSHOT_DIR = join(ROOT, 'docs', 'screenshots');
/** Where each test run saves its screenshots for review (git-ignored, so a test run leaves the tree clean). */
export const REVIEW_SCREENSHOT_DIR = join(ROOT, 'reports', 'screenshots');

export interface GeneratedReport {
  name: 'conformance-pass' | 'conformance-fail' | 'load' | 'load-baseline';
  kind: 'conformance' | 'load';
  html: string;
  exitCode: number;
}

async function runBin(bin: string, args: string[]): Promise<number> {
  try {
    await run(process.execPath, [bin, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return 0;
  } catch (err) {
    const e = err as { code?: unknown; stderr?: string };
    if (typeof e.code === 'number') return e.code;
    throw new Error(`upload-harness ${args[0]} did not run: ${String(err)}\n${e.stderr ?? ''}`, { cause: err });
  }
}

/**
 * Runs the four real runs into `dir` (the two conform runs and the first load run in parallel) with the
 * CLI at `bin`: the tests pass the built one (./cli.ts), scripts/screenshots.ts the checkout's.
 */
export async function generateReports(dir: string, bin = join(ROOT, 'bin', 'upload-harness.js')): Promise<GeneratedReport[]> {
  await mkdir(dir, { recursive: true });
  const cli = (args: string[]) => runBin(bin, args);
  const faulty = await startMockServer({ faults: ['no-size-check', 'no-signature-check'], enableTestControl: true });
  try {
    const d = (n: string) => join(dir, n);
    const [pass, fail, load] = await Promise.all([
      cli(['conform', '--report-dir', d('conformance-pass')]),
      cli(['conform', '--target', faulty.baseUrl, '--api-key', 'mock-full-access', '--limited-api-key', 'mock-read-only', '--other-org-api-key', 'mock-other-org', '--allow-writes', '--job-posting-id', DEFAULT_JOB_POSTING_ID, '--report-dir', d('conformance-fail')]),
      // --allow-rate-shortfall: this run is about its reports/network, not the rate; a loaded machine may not
      // hold even 5/s, which is reported (rate not held) rather than failed here (the rate has its own tests).
      cli(['load', '--engine', 'node', '--allow-rate-shortfall', '--scenario', 'full-flow', '--rate', '5', '--duration', '2s', '--file-sizes', '1KiB:1,64KiB:1', '--threshold', 'http_req_failed:rate<0.01', '--report-dir', d('load')]),
    ]);
    const baseline = await cli(['load', '--engine', 'node', '--allow-rate-shortfall', '--scenario', 'full-flow', '--rate', '5', '--duration', '2s', '--file-sizes', '1KiB:1,64KiB:1', '--baseline', join(d('load'), 'results.json'), '--max-regression', '1000%', '--report-dir', d('load-baseline')]);
    return [
      { name: 'conformance-pass', kind: 'conformance', html: join(d('conformance-pass'), 'index.html'), exitCode: pass },
      { name: 'conformance-fail', kind: 'conformance', html: join(d('conformance-fail'), 'index.html'), exitCode: fail },
      { name: 'load', kind: 'load', html: join(d('load'), 'index.html'), exitCode: load },
      { name: 'load-baseline', kind: 'load', html: join(d('load-baseline'), 'index.html'), exitCode: baseline },
    ];
  } finally {
    await faulty.close();
  }
}

export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need Debian's chromium package (apt-get install chromium; .ci/run installs it) or CHROMIUM_BIN`);
  }
}

const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch(LAUNCH);
}

/** A Chromium that client processes connect to (its `wsEndpoint()`, as CHROMIUM_WS_ENDPOINT). */
export async function launchChromiumServer(): Promise<BrowserServer> {
  assertChromium();
  return chromium.launchServer(LAUNCH);
}

export const fileUrl = (path: string) => pathToFileURL(path).href;

/** Full-page screenshot of a report (failures of the conformance report are open by default). */
export async function screenshot(browser: Browser, report: GeneratedReport, outDir = SCREENSHOT_DIR): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(fileUrl(report.html));
    const out = join(outDir, `${report.name}.png`);
    // A long conformance page is clipped to a readable height; the load page shows its charts.
    const height = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
    await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, report.kind === 'load' ? 3400 : 1800) } });
    return out;
  } finally {
    await page.close();
  }
}
