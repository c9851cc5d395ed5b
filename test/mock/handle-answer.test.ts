// The handle route's answer (src/mock/api/handle-answer.ts) is written by concatenation; it must be
// byte for byte what successJson (JSON.stringify) writes, for every filename and content type a client
// can send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAnswerJson } from '../../src/mock/api/handle-answer.ts';
import { successJson } from '../../src/mock/api/json-body.ts';
import { basicAuthHeader } from '../../src/protocol/index.ts';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';

let s: MockServer;
beforeAll(async () => {
  s = await startMockServer({ port: 0 });
});
afterAll(() => s.close());

const NAMES = ['resume.pdf', 'a "quoted" name.pdf', 'back\\slash.pdf', '../../etc/passwd', 'ünïcødé – ✓.pdf', 'line\nbreak\u0000.pdf', '${filename}', 'x'.repeat(300), 'tab\tname.pdf'];
const TYPES = ['application/pdf', 'text/plain; charset="utf-8"', 'a\\b', 'ünï/cødé', 'bad\r\ntype', '   '];

describe('handle answer', () => {
  it('is byte for byte successJson for odd filenames and content types, as the handle route answers them', async () => {
    let n = 0;
    for (const filename of NAMES) {
      for (const contentType of TYPES) {
        const body = JSON.stringify({ fileUploadContext: 'CandidateResume', filename, contentType, contentLength: 1 + n++ });
        const res = await fetch(`${s.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuthHeader('mock-full-access') }, body });
        const text = await res.text();
        expect(s.state.calls.at(-1)).toMatchObject({ endpoint: 'file.createFileUploadHandle', status: 200 });
        const parsed = JSON.parse(text) as { success: boolean; results: Parameters<typeof handleAnswerJson>[0] };
        expect(parsed.success).toBe(true);
        expect(text).toBe(successJson(parsed.results));
        expect(handleAnswerJson(parsed.results)).toBe(text);
      }
    }
  });
});
