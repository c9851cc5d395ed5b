// `npx tsx scripts/screenshots.ts`: regenerates docs/screenshots/*.png (used by docs/reports-and-ci.md)
// from real runs against the embedded mock, with the same code as the browser tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReports, launchChromium, screenshot } from '../test/support/browser.ts';

const dir = await mkdtemp(join(tmpdir(), 'upload-harness-screens-'));
const browser = await launchChromium();
try {
  for (const report of await generateReports(dir)) console.log(await screenshot(browser, report));
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
