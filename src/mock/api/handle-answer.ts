// The success answer of file.createFileUploadHandle, written by concatenation: byte for
// byte `successJson(results)` (test/mock/handle-answer.test.ts) at about a third of its cost —
// JSON.stringify walks the object and scans every string for characters to escape (~1.9 µs per answer;
// this ~0.6 µs, docs/performance.md). Values that are Base64, hex or digits by construction (Policy,
// X-Amz-Signature, X-Amz-Date, X-Amz-Algorithm: presign-post.ts) are written as they are; every other
// value goes through JSON.stringify — the handle too, although it is Base64url: JSON.stringify flattens
// the token string in place, and the upload-handle record keeps that string (100,000 of them), so a
// token left as the concatenation tree seal() built costs the mock ~60–100 MB of RSS and GC work. The field names and their order
// are the presigner's (the SDK's); the route uses this only for the answer createUploadHandle builds
// with no fault active and no profile extras (either can change the shape; then successJson answers).
import type { UploadHandleResults } from '../../protocol/responses.ts';

const q = (s: string | undefined): string => JSON.stringify(s);

export function handleAnswerJson(results: UploadHandleResults): string {
  const f = results.fields;
  return (
    `{"success":true,"results":{"handle":${q(results.handle)},"url":${q(results.url)},"fields":{` +
    `"Content-Type":${q(f['Content-Type'])},"bucket":${q(f.bucket)},"X-Amz-Algorithm":"${f['X-Amz-Algorithm']}",` +
    `"X-Amz-Credential":${q(f['X-Amz-Credential'])},"X-Amz-Date":"${f['X-Amz-Date']}","key":${q(f.key)},` +
    `"Policy":"${f.Policy}","X-Amz-Signature":"${f['X-Amz-Signature']}"}}}`
  );
}
