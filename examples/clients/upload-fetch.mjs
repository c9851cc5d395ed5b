// Reference client: Ashby's presigned upload flow with Node's built-in fetch + FormData (Node >= 20).
// Reads ASHBY_BASE_URL, ASHBY_API_KEY and ASHBY_CANDIDATE_ID (as `upload-harness verify-client` sets
// them), uploads UPLOADS files (default 1) as resumes and attaches each with candidate.uploadResume.
// Well-behaved under the robustness profile: honours Retry-After, backs off after failures, requests a
// new handle when the URL expired, at most 4 attempts per step, then exits non-zero with a message.
//   upload-harness verify-client -- node examples/clients/upload-fetch.mjs
const { ASHBY_BASE_URL: base, ASHBY_API_KEY: key, ASHBY_CANDIDATE_ID: candidateId } = process.env;
if (!base || !key || !candidateId) throw new Error('ASHBY_BASE_URL, ASHBY_API_KEY and ASHBY_CANDIDATE_ID must be set');
const uploads = Number(process.env.UPLOADS ?? 1);
const MAX_ATTEMPTS = 4;
const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The pause before attempt `n + 1`: Retry-After when given, else 200 ms doubling. */
function pause(res, n) {
  const ra = res?.headers.get('retry-after');
  if (ra && /^\d+$/.test(ra)) return Number(ra) * 1000;
  return 200 * 2 ** n;
}

class Expired extends Error {}

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
      if (!(err instanceof TypeError)) throw err; // a network error is retried, an API refusal is not
    }
    if (n + 1 >= MAX_ATTEMPTS) throw new Error(`${endpoint}: gave up after ${MAX_ATTEMPTS} attempts`);
    await sleep(pause(res, n));
  }
}

async function upload(handle, file) {
  for (let n = 0; ; n++) {
    const form = new FormData();
    for (const [name, value] of Object.entries(handle.fields)) form.append(name, value); // every field, unchanged
    form.append('file', file, file.name); // the file last
    let res;
    try {
      res = await fetch(handle.url, { method: 'POST', body: form });
      const text = await res.text();
      if (res.ok) return;
      if (res.status === 403 && text.includes('expired')) throw new Expired('the upload URL expired');
      if (res.status < 500) throw new Error(`upload refused: ${res.status} ${/<Code>([^<]*)/.exec(text)?.[1] ?? ''}`);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
    if (n + 1 >= MAX_ATTEMPTS) throw new Error(`upload: gave up after ${MAX_ATTEMPTS} attempts`);
    await sleep(pause(res, n));
  }
}

for (let i = 0; i < uploads; i++) {
  const bytes = new TextEncoder().encode(`%PDF-1.4\n% reference client upload ${i}\n${'x'.repeat(1000 + i)}\n%%EOF\n`);
  const file = new File([bytes], `resume-${i}.pdf`, { type: 'application/pdf' });
  for (let handles = 0; ; handles++) {
    const handle = await api('file.createFileUploadHandle', { fileUploadContext: 'CandidateResume', filename: file.name, contentType: file.type, contentLength: file.size });
    try {
      await upload(handle, file);
    } catch (err) {
      if (err instanceof Expired && handles + 1 < MAX_ATTEMPTS) continue; // a dead URL is never reused: new handle
      throw err;
    }
    await api('candidate.uploadResume', { candidateId, resumeHandle: handle.handle });
    break;
  }
}
console.log(`uploaded and attached ${uploads} file(s)`);
