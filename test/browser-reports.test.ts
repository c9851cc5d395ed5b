// The HTML reports in a real browser (headless Debian Chromium via playwright-core), generated from real
// runs: no console errors, no network requests besides the file itself, every chart drawn, failures
// expandable with expected/received and the exchange, summary tables without JavaScript, semantic
// headings, status as text AND colour. Saves a screenshot of each report to reports/screenshots/ for review. A missing Chromium FAILS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

// Functions passed to page.evaluate run in the page; the project compiles without the DOM lib, so the
// few DOM values they touch are typed loosely here.
type Dom = any;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, fileUrl, generateReports, launchChromium, REVIEW_SCREENSHOT_DIR, screenshot, type GeneratedReport } from './support/browser.ts';
import { builtCli } from './support/cli.ts';

let dir = '';
let browser: Browser | undefined;
let reports: GeneratedReport[] = [];

const report = (name: GeneratedReport['name']) => {
  const r = reports.find((x) => x.name === name);
  if (!r) throw new Error(`report ${name} was not generated`);
  return r;
};

interface Opened {
  page: Page;
  consoleErrors: string[];
  requests: string[];
}

async function open(r: GeneratedReport, javaScriptEnabled = true): Promise<Opened> {
  const context = await browser!.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(fileUrl(r.html), { waitUntil: 'load' });
  return { page, consoleErrors, requests };
}

async function close(o: Opened): Promise<void> {
  await o.page.context().close();
}

/** Every badge shows its status as text and has a non-transparent, non-white background colour. */
async function expectTextAndColourBadges(page: Page): Promise<void> {
  const badges = await page.$$eval('.badge', (els) => els.map((e) => ({ text: (e.textContent ?? '').trim(), bg: (globalThis as Dom).getComputedStyle(e).backgroundColor as string, fg: (globalThis as Dom).getComputedStyle(e).color as string })));
  expect(badges.length).toBeGreaterThan(0);
  for (const b of badges) {
    expect(b.text).toMatch(/^(PASS|FAIL|WARN|SKIP|ERROR|OK|REGRESSED|PASSED|FAILED|RATE HELD|RATE NOT HELD)$/);
    expect(b.bg).not.toMatch(/rgba\(0, 0, 0, 0\)|rgb\(255, 255, 255\)/);
    expect(b.bg).not.toBe(b.fg);
  }
}

async function expectHeadings(page: Page): Promise<void> {
  expect(await page.locator('h1').count()).toBe(1);
  expect(await page.locator('h2').count()).toBeGreaterThan(0);
  expect(await page.locator('html').getAttribute('lang')).toBeTruthy();
  expect((await page.title()).length).toBeGreaterThan(0);
}

beforeAll(async () => {
  assertChromium(); // fails (never skips) with a clear message when Chromium is missing
  dir = await mkdtemp(join(tmpdir(), 'upload-harness-browser-'));
  [reports, browser] = await Promise.all([generateReports(dir, builtCli()), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('HTML reports in headless Chromium', () => {
  it('the real runs ended as expected', () => {
    expect(report('conformance-pass').exitCode).toBe(0);
    expect(report('conformance-fail').exitCode).toBe(1);
    expect(report('load').exitCode).toBe(0);
    expect(report('load-baseline').exitCode).toBe(0);
  });

  for (const name of ['conformance-pass', 'conformance-fail', 'load', 'load-baseline'] as const) {
    it(`${name}: no console errors, no requests but the file, headings, text+colour status, screenshot`, async () => {
      const r = report(name);
      const o = await open(r);
      try {
        expect(o.consoleErrors).toEqual([]);
        expect(o.requests).toEqual([fileUrl(r.html)]);
        await expectHeadings(o.page);
        await expectTextAndColourBadges(o.page);
      } finally {
        await close(o);
      }
      await screenshot(browser!, r, REVIEW_SCREENSHOT_DIR);
    });

    it(`${name}: the summary tables are in the HTML without JavaScript`, async () => {
      const r = report(name);
      const o = await open(r, false);
      try {
        if (r.kind === 'conformance') {
          expect(await o.page.locator('table.summary').count()).toBe(2);
          expect(await o.page.locator('table.summary tbody tr').count()).toBeGreaterThanOrEqual(7);
        } else {
          const h2 = await o.page.locator('h2').allTextContents();
          expect(h2).toContain('Totals');
          expect(h2).toContain('Stages');
          expect(await o.page.locator('table').count()).toBeGreaterThanOrEqual(2);
          expect(await o.page.locator('.uplot').count()).toBe(0); // the charts need JS, the tables do not
        }
        expect(o.requests).toEqual([fileUrl(r.html)]);
      } finally {
        await close(o);
      }
    });
  }

  for (const name of ['load', 'load-baseline'] as const) {
    it(`${name}: every chart is drawn (uPlot canvases with non-zero size and non-blank pixels) and labelled`, async () => {
      const o = await open(report(name));
      try {
        const containers = await o.page.$$eval('div[id^="chart-"]', (els) => els.map((e) => e.id));
        expect(containers.length).toBeGreaterThanOrEqual(4); // throughput, latency per stage, distribution, bytes
        const charts = await o.page.$$eval('div[id^="chart-"]', (els) =>
          els.map((el) => {
            const canvas = el.querySelector('.uplot canvas') as Dom;
            const label = el.getAttribute('aria-label') as string | null;
            if (!canvas) return { id: el.id, label, width: 0, height: 0, painted: 0 };
            const ctx = canvas.getContext('2d')!;
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data as Uint8ClampedArray;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
            return { id: el.id, label, width: canvas.width as number, height: canvas.height as number, painted };
          }),
        );
        for (const c of charts) {
          expect(c.width, c.id).toBeGreaterThan(0);
          expect(c.height, c.id).toBeGreaterThan(0);
          expect(c.painted, c.id).toBeGreaterThan(100);
          expect(c.label, `${c.id} has no text alternative (aria-label)`).toMatch(/^chart: /);
        }
        expect(o.consoleErrors).toEqual([]);
      } finally {
        await close(o);
      }
    });
  }

  it('load-baseline: shows the baseline comparison with a result per metric', async () => {
    const o = await open(report('load-baseline'));
    try {
      expect(await o.page.locator('h2', { hasText: 'Baseline comparison' }).count()).toBe(1);
      const results = await o.page.locator('h2:has-text("Baseline comparison") ~ table').first().locator('td:first-child .badge').allTextContents();
      expect(results.length).toBeGreaterThan(0);
      for (const t of results) expect(['OK', 'REGRESSED']).toContain(t);
    } finally {
      await close(o);
    }
  });

  it('conformance-fail: a failed check shows expected vs received and its exchanges; closed checks expand on click', async () => {
    const o = await open(report('conformance-fail'));
    try {
      expect(await o.page.locator('.verdict').textContent()).toContain('FAILED');
      const failed = o.page.locator('details.check:has(> summary .badge.fail)');
      expect(await failed.count()).toBeGreaterThan(0);
      const first = failed.first();
      // Failures are open by default; collapse and re-expand by clicking the summary.
      await first.locator(':scope > summary').click();
      expect(await first.evaluate((d) => (d as Dom).open as boolean)).toBe(false);
      await first.locator(':scope > summary').click();
      expect(await first.evaluate((d) => (d as Dom).open as boolean)).toBe(true);
      const dts = await first.locator('dl.kv dt').allTextContents();
      expect(dts).toEqual(expect.arrayContaining(['expected', 'received']));
      await expect.poll(() => first.locator('dd pre').first().isVisible()).toBe(true);
      // The exchange: a nested <details> that shows request and response once clicked.
      const exchange = first.locator('details').first();
      expect(await exchange.count()).toBe(1);
      await exchange.locator('summary').first().click();
      expect(await exchange.evaluate((d) => (d as Dom).open as boolean)).toBe(true);
      const h3 = await exchange.locator('h3').allTextContents();
      expect(h3).toEqual(expect.arrayContaining(['Request', 'Response']));
      expect(await exchange.locator('pre').first().isVisible()).toBe(true);
      // A passing check is closed and opens on click.
      const passed = o.page.locator('details.check:has(> summary .badge.pass)').first();
      expect(await passed.evaluate((d) => (d as Dom).open as boolean)).toBe(false);
      await passed.locator(':scope > summary').click();
      expect(await passed.evaluate((d) => (d as Dom).open as boolean)).toBe(true);
      expect(await passed.locator('dl.kv').isVisible()).toBe(true);
      expect(o.consoleErrors).toEqual([]);
    } finally {
      await close(o);
    }
  });
});
