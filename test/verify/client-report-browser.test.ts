// The client report in headless Chromium: it loads offline (no request leaves the file), has no console
// errors, shows the verdict and statuses as text, leads with the violations — what was sent / expected /
// what S3 would answer / the fix — above the rule table, opens failing flows with their timeline; secrets
// are absent. The JUnit
// file names the broken rule. A screenshot goes to reports/screenshots/ for review.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderClientHtml } from '../../src/report/client-html.ts';
import { renderClientJUnit } from '../../src/report/client-junit.ts';
import { fileUrl, launchChromium, REVIEW_SCREENSHOT_DIR } from '../support/browser.ts';
import { runClient } from './run-client.ts';

const MUTANT = join(import.meta.dirname, '..', 'fixtures', 'clients', 'mutant-client.mjs');
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'client-report-'));
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('client report in Chromium', () => {
  it('a failing run (fields dropped) renders offline with the violation explained', { timeout: 60_000 }, async () => {
    const run = await runClient([process.execPath, MUTANT], { env: { MUTANT: 'client.upload.fields-complete' } });
    const html = renderClientHtml(run.results);
    const path = join(dir, 'index.html');
    await writeFile(path, html);
    expect(html).not.toContain('mock-full-access');
    expect(renderClientJUnit(run.results)).toMatch(/<failure[^>]*message="1 violation\(s\): missing field\(s\): X-Amz-Date"/);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => void (r.url().startsWith('file:') || external.push(r.url())));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(fileUrl(path));
    expect(await page.locator('.verdict').innerText()).toContain('FAILED');
    // What failed leads: the violation comes before the rule table, high on the page.
    const violation = page.locator('.violation').first();
    const rulesHeading = page.locator('h2', { hasText: 'Rules' });
    const [vBox, rBox] = await Promise.all([violation.boundingBox(), rulesHeading.boundingBox()]);
    expect(vBox!.y).toBeLessThan(rBox!.y);
    expect(vBox!.y).toBeLessThan(900); // in the first screen, not ~1,900 px down
    const vText = await violation.innerText();
    for (const s of ['client.upload.fields-complete', 'flow 1', 'missing field(s): X-Amz-Date', 'real S3 / Ashby', 'AccessDenied', 'fix']) expect(vText).toContain(s);
    const flow = page.locator('details.flow').first();
    expect(await flow.getAttribute('open')).not.toBeNull(); // failing flows are open
    const text = await flow.innerText();
    for (const s of ['since handle', '/file.createFileUploadHandle', '/ashby-mock-uploads']) expect(text).toContain(s);
    expect(await page.locator('tr#client\\.upload\\.fields-complete').innerText()).toContain('FAIL');
    await mkdir(REVIEW_SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(REVIEW_SCREENSHOT_DIR, 'client-fail.png'), fullPage: true });
    await page.close();
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
