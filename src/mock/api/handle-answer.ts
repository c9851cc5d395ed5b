// The success answer of file.createFileUploadHandle on the lean path, written by concatenation: byte for
// byte `successJson(results)` (test/mock/handle-answer.test.ts) at about a third of its cost —
// JSON.stringify walks the object and scans every string for characters to escape (~1.9 µs per answer;
// this ~0.6 µs, docs/performance.md). Values that are Base64, Base64url, hex or digits by construction
// (the handle: handle-codec.ts; Policy, X-Amz-Signature, X-Amz-Date, X-Amz-Algorithm: presign-post.ts)
// are written as they are; every other value goes through JSON.stringify. The field names and their order
// are the presigner's (the SDK's); the lean path uses this only for the answer createUploadHandle builds
// with no fault active (a fault can change the shape, and Fastify then answers with successJson).
import type { UploadHandleResults } from '../../protocol/responses.ts';

const q = (s: string | undefined): string => JSON.stringify(s);

export function handleAnswerJson(results: UploadHandleResults): string {
  const f = results.fields;
  return (
    `{"success":true,"results":{"handle":"${results.handle}","url":${q(results.url)},"fields":{` +
    `"Content-Type":${q(f['Content-Type'])},"bucket":${q(f.bucket)},"X-Amz-Algorithm":"${f['X-Amz-Algorithm']}",` +
    `"X-Amz-Credential":${q(f['X-Amz-Credential'])},"X-Amz-Date":"${f['X-Amz-Date']}","key":${q(f.key)},` +
    `"Policy":"${f.Policy}","X-Amz-Signature":"${f['X-Amz-Signature']}"}}}`
  );
}
