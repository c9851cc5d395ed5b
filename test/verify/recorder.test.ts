// The mock's client recording hook: it sees every request of the mock's one pipeline (the handle route's
// with either JSON content type), records the answer, keeps memory bounded, and records nothing while inactive.
import { connect } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { ClientRecorder, MAX_RECORDED_REQUESTS, type RecordedRequest } from '../../src/verify/recorder.ts';
import { groupFlows } from '../../src/verify/flows.ts';
import { FULL_ACCESS } from '../support/auth.ts';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const HANDLE_BODY = JSON.stringify({ fileUploadContext: 'CandidateResume', filename: 'cv.pdf', contentType: 'application/pdf', contentLength: 3 });

describe('client recording hook', () => {
  it('records handle requests with either JSON content type alike, with body and answer', async () => {
    const recorder = new ClientRecorder();
    server = await startMockServer({ recordClient: recorder });
    const plain = await fetch(`${server.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: HANDLE_BODY });
    const withCharset = await fetch(`${server.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json; charset=utf-8' }, body: HANDLE_BODY });
    expect([plain.status, withCharset.status]).toEqual([200, 200]);
    await Promise.all([plain.text(), withCharset.text()]);
    await vi.waitFor(() => expect(recorder.requests).toHaveLength(2)); // recorded on the responses' 'close'
    const recs = recorder.requests;
    for (const r of recs) {
      expect(r).toMatchObject({ method: 'POST', url: '/file.createFileUploadHandle', kind: 'api', status: 200, bodyComplete: true });
      expect(Buffer.concat(r.body!).toString()).toBe(HANDLE_BODY);
      expect(JSON.parse(r.answer!)).toMatchObject({ success: true, results: { handle: expect.any(String) } });
    }
    const { flows } = groupFlows(recs);
    expect(flows.map((f) => f.issued?.fields.key)).toEqual([expect.stringMatching(/^uploads\//), expect.stringMatching(/^uploads\//)]);
  });

  it('observes through the server\'s request/response classes, patching nothing onto each request', async () => {
    const recorder = new ClientRecorder();
    const seen: { req: object; res: object }[] = [];
    recorder.interceptor = (req, res) => {
      seen.push({ req, res });
      return false;
    };
    server = await startMockServer({ recordClient: recorder });
    const res = await fetch(`${server.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: HANDLE_BODY });
    await res.text();
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const { req, res: reply } = seen[0]!;
    expect(req).toBeInstanceOf(recorder.serverClasses.IncomingMessage);
    expect(reply).toBeInstanceOf(recorder.serverClasses.ServerResponse);
    for (const own of ['emit', 'destroy']) expect(Object.hasOwn(req, own)).toBe(false);
    for (const own of ['emit', 'end', 'writeHead']) expect(Object.hasOwn(reply, own)).toBe(false);
    expect(recorder.requests[0]).toMatchObject({ status: 200, bodyComplete: true, bodyBytes: HANDLE_BODY.length });
    expect(recorder.requests[0]!.doneAt).toBeGreaterThanOrEqual(recorder.requests[0]!.at);
  });

  it('gives every record all its fields when the request arrives: none is added later, whatever the request', async () => {
    const recorder = new ClientRecorder();
    server = await startMockServer({ recordClient: recorder });
    const handle = await fetch(`${server.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: HANDLE_BODY });
    const { results } = (await handle.json()) as { results: { url: string; fields: Record<string, string> } };
    const form = new FormData();
    for (const [k, v] of Object.entries(results.fields)) form.append(k, v);
    form.append('file', new Blob(['pdf'], { type: 'application/pdf' }), 'cv.pdf');
    const upload = await fetch(results.url, { method: 'POST', body: form });
    await upload.text();
    await (await fetch(`${server.baseUrl}/favicon.ico`)).text();
    await vi.waitFor(() => expect(recorder.requests.map((r) => r.doneAt !== undefined)).toEqual([true, true, true]));
    const [api, storage, other] = recorder.requests;
    expect([api!.kind, storage!.kind, other!.kind]).toEqual(['api', 'storage', 'other']);
    expect(storage!.multipart?.wellFormed).toBe(true);
    const keys = Object.keys(api!);
    expect(keys).toEqual(expect.arrayContaining(['doneAt', 'status', 'answer', 'bodyComplete', 'body', 'multipart', 'retryAfter', 'aborted', 'injected']));
    for (const r of recorder.requests) expect(Object.keys(r)).toEqual(keys);
  });

  it('keeps only the newest MAX_RECORDED_REQUESTS requests and counts the dropped ones', () => {
    const recorder = new ClientRecorder();
    const total = MAX_RECORDED_REQUESTS + MAX_RECORDED_REQUESTS / 10 + 5;
    for (let i = 1; i <= total; i++) recorder.add({ seq: i, at: i, method: 'POST', url: '/x', headers: {}, kind: 'other', bodyBytes: 0 } as RecordedRequest);
    expect(recorder.requests.length).toBeLessThanOrEqual(MAX_RECORDED_REQUESTS + MAX_RECORDED_REQUESTS / 10);
    expect(recorder.requests.at(-1)!.seq).toBe(total);
    expect(recorder.dropped + recorder.requests.length).toBe(total);
    expect(recorder.dropped).toBeGreaterThan(0);
  });

  it('records nothing while inactive (the harness creating its candidate) and everything once active', async () => {
    const recorder = new ClientRecorder();
    recorder.active = false;
    server = await startMockServer({ recordClient: recorder });
    const call = () => fetch(`${server!.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: HANDLE_BODY }).then((r) => r.text());
    await call();
    expect(recorder.requests).toHaveLength(0);
    recorder.active = true;
    await call();
    expect(recorder.requests).toHaveLength(1);
  });

  it('a handle request refused before its body was read is still recorded with its body (Node would drop it unread)', async () => {
    const recorder = new ClientRecorder();
    server = await startMockServer({ recordClient: recorder });
    // The head alone first, the body only once the mock has answered (the call is in its history when the
    // answer is sent): the credentials are refused before any body is read, and without the recorder's
    // drain Node discards what comes after.
    const socket = connect(Number(new URL(server.baseUrl).port), '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write(`POST /file.createFileUploadHandle HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: ${HANDLE_BODY.length}\r\n\r\n`);
    await vi.waitFor(() => expect(server!.state.calls.map((c) => c.status)).toEqual([403])); // answered (onSend), body unread
    socket.write(HANDLE_BODY);
    await vi.waitFor(() => expect(recorder.requests).toHaveLength(1));
    await vi.waitFor(() => expect(answer).toMatch(/^HTTP\/1\.1 403/));
    socket.destroy();
    const rec = recorder.requests[0]!;
    expect(rec).toMatchObject({ status: 403, bodyBytes: HANDLE_BODY.length, bodyComplete: true });
    expect(Buffer.concat(rec.body!).toString()).toBe(HANDLE_BODY);
  });
});
