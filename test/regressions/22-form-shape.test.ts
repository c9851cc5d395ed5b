// Regression: form shape judged as S3 judges it. The file is the part NAMED file; a filename
// attribute on other parts is allowed (the storage accepted it, the client rules did not: they took every
// filename= part for a file, lost its value and reported "changed" fields and a 400 from S3); a second
// part named file and a part without a name get S3's answer — from the storage and in the report's
// "real S3 would answer" line (docs/sources.md: "S3 POST Object", "s3-tests POST forms").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.ts';
import { ClientRecorder } from '../../src/verify/recorder.ts';
import { judgeClient } from '../../src/verify/judge.ts';
import { FULL_ACCESS } from '../support/auth.ts';

let mock: MockServer;
const recorder = new ClientRecorder();

beforeAll(async () => {
  mock = await startMockServer({ recordClient: recorder });
});
afterAll(() => mock.close());

async function handle(): Promise<{ url: string; fields: Record<string, string> }> {
  const res = await fetch(`${mock.baseUrl}/file.createFileUploadHandle`, { method: 'POST', headers: { authorization: FULL_ACCESS, 'content-type': 'application/json' }, body: JSON.stringify({ fileUploadContext: 'CandidateFiles', filename: 'a.txt', contentType: 'text/plain', contentLength: 5 }) });
  return ((await res.json()) as { results: { url: string; fields: Record<string, string> } }).results;
}

/** A form as a byte string: parts of [disposition parameters, body]. */
function body(parts: Array<[string, string]>): { body: string; headers: Record<string, string> } {
  const b = 'shapeboundary';
  const text = parts.map(([disposition, value]) => `--${b}\r\nContent-Disposition: form-data${disposition}\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`).join('') + `--${b}--\r\n`;
  return { body: text, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}
const field = (fields: Record<string, string>, withFilename: boolean): Array<[string, string]> => Object.entries(fields).map(([k, v]) => [`; name="${k}"${withFilename ? `; filename="${k}"` : ''}`, v]);

describe('the form as S3 reads it', () => {
  it('every field with a filename attribute (requests files=, s3-tests): stored, and no upload rule broken', async () => {
    const startedAt = new Date();
    recorder.clear();
    const h = await handle();
    const res = await fetch(h.url, { method: 'POST', ...body([...field(h.fields, true), ['; name="file"; filename="file"', 'hello']]) });
    expect(res.status).toBe(204);
    const r = judgeClient(recorder.requests, { startedAt, strict: true, minFlows: 0 });
    // (never attached here: client.handle.unused is the only finding, and not the form's)
    expect(r.flows[0]!.violations.filter((v) => v.ruleId.startsWith('client.upload.')).map((v) => `${v.ruleId}: ${v.message}`)).toEqual([]);
    expect(r.flows[0]!.complete).toBe(true);
  });

  it('a second part named file: 400 InvalidArgument (ArgumentValue 2), and the report says so', async () => {
    const startedAt = new Date();
    recorder.clear();
    const h = await handle();
    const res = await fetch(h.url, { method: 'POST', ...body([...field(h.fields, false), ['; name="file"; filename="a.txt"', 'hello'], ['; name="file"; filename="b.txt"', 'world']]) });
    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toContain('<Code>InvalidArgument</Code><Message>POST requires exactly one file upload per request.</Message><ArgumentName>file</ArgumentName><ArgumentValue>2</ArgumentValue>');
    const v = judgeClient(recorder.requests, { startedAt, minFlows: 0 }).flows[0]!.violations;
    expect(v.map((x) => x.ruleId)).toEqual(['client.upload.multipart-well-formed']);
    expect(v[0]!.message).toBe('2 parts named "file"');
    expect(v[0]!.realAnswer).toBe('S3: 400 InvalidArgument "POST requires exactly one file upload per request." (ArgumentValue 2): nothing is stored');
  });

  it('a part without a name: 400 MalformedPOSTRequest, and the report says so', async () => {
    const startedAt = new Date();
    recorder.clear();
    const h = await handle();
    const res = await fetch(h.url, { method: 'POST', ...body([...field(h.fields, false), ['', 'nameless'], ['; name="file"; filename="a.txt"', 'hello']]) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>MalformedPOSTRequest</Code>');
    const v = judgeClient(recorder.requests, { startedAt, minFlows: 0 }).flows[0]!.violations;
    expect(v.map((x) => x.ruleId)).toEqual(['client.upload.multipart-well-formed']);
    expect(v[0]!.realAnswer).toBe('S3: 400 MalformedPOSTRequest "The body of your POST request is not well-formed multipart/form-data."');
  });
});
