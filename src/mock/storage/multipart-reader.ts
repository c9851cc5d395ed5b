// Storage ingest's reading of a multipart/form-data body, as S3's POST rules want it, over the one
// tokenizer (../multipart-tokenizer.ts):
// - the part that carries the content is chosen by the caller from its NAME (`file`), not by the
//   presence of `filename=` (s3-tests put `filename=` on every part; decision 0011);
// - every byte that is not file content (preamble, boundaries, part headers, field values) counts
//   toward one limit, which is S3's "fields preceding the upload file cannot exceed 20 KB";
// - file bytes are handed to the caller as they arrive (with backpressure), never buffered whole.
import { MultipartTokenizer, type PartHead } from '../multipart-tokenizer.ts';
import { s3Errors } from './errors.ts';

export { isMultipartFormData, multipartBoundary } from '../multipart-tokenizer.ts';

export type PartInfo = PartHead;

interface FileSink {
  write(chunk: Buffer): void | Promise<void>;
}

/** `field`: buffer the value (counts toward the limit); `skip`: discard; `stop`: stop reading now. */
type PartDecision = 'field' | 'skip' | 'stop' | FileSink;

export interface MultipartCallbacks {
  /** `bodyOffset`: bytes of the request body before this part's content (for size estimates). */
  onPart(part: PartInfo, bodyOffset: number): PartDecision | Promise<PartDecision>;
  onField(part: PartInfo, value: string): void;
  onFileEnd(part: PartInfo): void | Promise<void>;
}

/**
 * Reads the whole form (or until a part is answered `stop`). Throws S3Error MalformedPOSTRequest for
 * broken framing and MaxPostPreDataLengthExceededError when non-file bytes exceed `nonFileLimit`.
 * Returns `stopped` when the caller stopped early (the rest of `source` is left unread).
 */
export async function readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  nonFileLimit: number,
  callbacks: MultipartCallbacks,
): Promise<'complete' | 'stopped'> {
  const tokens = new MultipartTokenizer(boundary);
  let part: PartInfo | undefined;
  let decision: PartDecision = 'skip';
  let fieldChunks: Buffer[] = [];
  let fileSeen = false;
  let fileBytes = 0;
  /** After the file only buffered fields (fault mode) are still limited: S3 ignores the rest. */
  const checkLimit = (): void => {
    if (tokens.offset - fileBytes > nonFileLimit && (!fileSeen || decision === 'field')) throw s3Errors.preDataTooLarge();
  };
  for await (const chunk of source) {
    for (const t of tokens.write(chunk)) {
      if (t.kind === 'data') {
        if (typeof decision === 'object') {
          fileBytes += t.chunk.length;
          await decision.write(t.chunk);
        } else if (decision === 'field') fieldChunks.push(t.chunk);
      } else if (t.kind === 'part') {
        checkLimit();
        part = t.head;
        decision = await callbacks.onPart(part, t.offset);
        if (decision === 'stop') return 'stopped';
        fieldChunks = [];
      } else if (t.kind === 'part-end') {
        if (decision === 'field') callbacks.onField(part!, Buffer.concat(fieldChunks).toString('utf8'));
        else if (typeof decision === 'object') {
          fileSeen = true;
          await callbacks.onFileEnd(part!);
        }
        fieldChunks = [];
        decision = 'skip';
      } else throw s3Errors.malformedPost();
      checkLimit();
    }
    checkLimit();
  }
  if (tokens.state !== 'closed') throw s3Errors.malformedPost();
  return 'complete';
}
