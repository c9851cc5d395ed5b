// Synthetic file contents, generated ONCE per size at start (never per iteration): a PDF-looking
// header so the content type is plausible, then a repeating printable pattern.
import { utf8Encode } from '../../src/protocol/index.ts';

export interface Payload {
  size: number;
  bytes: Uint8Array;
  filename: string;
  contentType: string;
}

export function makePayload(size: number): Payload {
  const bytes = new Uint8Array(size);
  const header = utf8Encode('%PDF-1.4\n% upload-harness synthetic payload\n');
  bytes.set(header.subarray(0, Math.min(header.length, size)));
  for (let i = header.length; i < size; i++) bytes[i] = 0x41 + (i % 26);
  return { size, bytes, filename: `upload-harness-${size}.pdf`, contentType: 'application/pdf' };
}

export function makePayloads(sizes: readonly number[]): Map<number, Payload> {
  const out = new Map<number, Payload>();
  for (const s of sizes) if (!out.has(s)) out.set(s, makePayload(s));
  return out;
}
