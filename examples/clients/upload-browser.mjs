// Reference client: an HTML form (examples/clients/upload-form.html) submitted by headless Chromium.
// The "backend" part of this script creates the handle and makes the follow-up call (the API key
// never reaches the browser); the browser posts the form to the presigned URL itself. Retries like the
// other reference clients: Retry-After honoured, 200 ms doubling otherwise, a new handle when the URL
// expired, at most 4 attempts per step.
//   upload-harness verify-client -- node examples/clients/upload-browser.mjs
// Needs playwright-core and a Chromium (CHROMIUM_BIN, default /usr/bin/chromium), or the WebSocket
// endpoint of a running one in CHROMIUM_WS_ENDPOINT (playwright's `chromium.launchServer()`): verify-client
// runs a client once per robustness case, and a browser start is most of this client's own cost.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const { ASHBY_BASE_URL: base, ASHBY_API_KEY: key, ASHBY_CANDIDATE_ID: candidateId } = process.env;
if (!base || !key || !candidateId) throw new Error('ASHBY_BASE_URL, ASHBY_API_KEY and ASHBY_CANDIDATE_ID must be set');
const uploads = Number(process.env.UPLOADS ?? 1);
const MAX_ATTEMPTS = 4;
const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const template = readFileSync(new URL('./upload-form.html', import.meta.url), 'utf8');
const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const pause = (retryAfter, n) => (retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : 200 * 2 ** n);

async function api(endpoint, body) {
  for (let n = 0; ; n++) {
    let res;
    try {
      res = await fetch(`${base}/${endpoint}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 429 && res.status < 500) {
        const json = await res.json();
        if (!json.success) throw new Error(`${endpoint}: ${json.errorInfo?.code ?? json.errors}`);
        return json.results;
      }
      await res.arrayBuffer();
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
    if (n + 1 >= MAX_ATTEMPTS) throw new Error(`${endpoint}: gave up after ${MAX_ATTEMPTS} attempts`);
    await sleep(pause(res?.headers.get('retry-after'), n));
  }
}

/** Renders the form for one handle, lets the browser submit it; returns {status, body, retryAfter} (status 0: network error). */
async function submit(page, handle, file) {
  const fields = Object.entries(handle.fields).map(([n, v]) => `<input type="hidden" name="${attr(n)}" value="${attr(v)}">`).join('\n');
  await page.goto('about:blank'); // an error answer left an XML document in the page
  await page.setContent(template.replaceAll('{{ACTION}}', () => attr(handle.url)).replaceAll('{{FIELDS}}', () => fields));
  await page.setInputFiles('input[type=file]', file);
  const isUpload = (r) => r.url() === handle.url && r.method() === 'POST';
  // A 204 answer aborts the navigation (ERR_ABORTED) after its response event; any other failure is a
  // network error (status 0).
  const outcome = new Promise((resolve) => {
    const onResponse = async (r) => {
      if (!isUpload(r.request())) return;
      page.off('response', onResponse);
      page.off('requestfailed', onFailed);
      resolve({ status: r.status(), body: r.status() === 204 ? '' : await r.text().catch(() => ''), retryAfter: r.headers()['retry-after'] });
    };
    const onFailed = (r) => {
      if (!isUpload(r) || r.failure()?.errorText === 'net::ERR_ABORTED') return;
      page.off('response', onResponse);
      page.off('requestfailed', onFailed);
      resolve({ status: 0, body: '' });
    };
    page.on('response', onResponse);
    page.on('requestfailed', onFailed);
  });
  await page.click('button[type=submit]');
  return outcome;
}

const endpoint = process.env.CHROMIUM_WS_ENDPOINT;
const browser = endpoint
  ? await chromium.connect(endpoint)
  : await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  // A context of its own: a shared browser keeps nothing (cookies, cache) from one run to the next.
  const page = await browser.newPage();
  for (let i = 0; i < uploads; i++) {
    const file = { name: `resume-${i}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% browser reference client upload ${i}\n%%EOF\n`) };
    let handle;
    for (let handles = 0; !handle; handles++) {
      const h = await api('file.createFileUploadHandle', { fileUploadContext: 'CandidateResume', filename: file.name, contentType: file.mimeType, contentLength: file.buffer.length });
      for (let n = 0; ; n++) {
        const r = await submit(page, h, file);
        if (r.status >= 200 && r.status < 300) {
          handle = h;
          break;
        }
        if (r.status === 403 && r.body.includes('expired') && handles + 1 < MAX_ATTEMPTS) break; // new handle, never the dead URL
        if (r.status !== 0 && r.status < 500) throw new Error(`upload refused: ${r.status}`);
        if (n + 1 >= MAX_ATTEMPTS) throw new Error(`upload: gave up after ${MAX_ATTEMPTS} attempts`);
        await sleep(pause(r.retryAfter, n));
      }
    }
    await api('candidate.uploadResume', { candidateId, resumeHandle: handle.handle });
  }
} finally {
  await browser.close(); // launched: ends it; connected: disconnects, closing this run's context
}
console.log(`uploaded and attached ${uploads} file(s)`);
