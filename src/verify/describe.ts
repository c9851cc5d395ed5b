// One-line, redacted descriptions of recorded requests for the client report (what was sent).
import { REDACTED, redactText, redactUrl } from '../config/redact.ts';
import { isFilePart, type MultipartShape } from './multipart-shape.ts';
import type { ParsedRequest } from './flows.ts';

const MAX = 400;
const clip = (s: string): string => (s.length > MAX ? `${s.slice(0, MAX)}…` : s);

function describeParts(shape: MultipartShape | undefined): string {
  if (!shape) return '(no multipart body)';
  const parts = shape.parts.map((p) => {
    if (isFilePart(p)) return `${p.name} (file${p.filename !== undefined ? ` "${p.filename}"` : ''}, ${p.contentType ?? 'no Content-Type'}, ${p.size} B)`;
    const attr = p.filename !== undefined ? ` (filename "${p.filename}")` : '';
    if (p.value === undefined) return `${p.name}=${REDACTED}${attr}`;
    return `${p.name}=${JSON.stringify(p.value.length > 80 ? `${p.value.slice(0, 80)}…` : p.value)}${attr}`;
  });
  return clip(`${parts.length} part(s) in order: ${parts.join(', ') || '(none)'}${shape.wellFormed ? '' : ` — malformed: ${shape.problem}`}`);
}

export function describeRequest(ex: ParsedRequest): string {
  const { rec } = ex;
  const type = rec.headers['content-type'] ?? 'no Content-Type';
  const head = `${rec.method} ${redactUrl(rec.url)} (${type}, ${rec.bodyBytes} B)`;
  if (rec.kind === 'storage' || rec.multipart) return `${head}: ${describeParts(rec.multipart)}`;
  if (ex.json !== undefined) return clip(`${head} ${redactText(JSON.stringify(ex.json))}`);
  if (ex.jsonInvalid) return `${head}: body is not valid JSON`;
  return head;
}

export function describeAnswer(ex: ParsedRequest): string {
  if (ex.rec.aborted) return 'connection closed before the answer';
  return `${ex.rec.status ?? '?'}${ex.code ? ` ${ex.code}` : ''}`;
}
