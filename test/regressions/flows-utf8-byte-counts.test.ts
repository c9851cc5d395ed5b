// Regression: the flows reported bytesSent/bytesReceived as a string's .length — UTF-16
// units, not bytes — so a body with non-ASCII text (a candidate's name, an error message) was counted
// short. The counts are now UTF-8 bytes, computed without Buffer or TextEncoder (the flows run in k6).
import { describe, expect, it } from 'vitest';
import { createFlow, parseContextMix, parseFileSizeMix, type StageObserver, type Transport, type TransportRequest } from '../../scenarios/flows/index.ts';
import { utf8ByteLength, utf8Encode } from '../../src/protocol/index.ts';

const wireBytes = (body: TransportRequest['body']) => (typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length);

/** Answers every step of the full flow with non-ASCII text, and notes the bytes really exchanged. */
interface Wire {
  stage: string;
  sent: number;
  received: number;
}

function nonAsciiTarget(): { transport: Transport; wire: Wire[]; utf16Units: Wire[] } {
  const wire: Wire[] = [];
  const utf16Units: Wire[] = [];
  const transport: Transport = {
    async request(req) {
      let body: string;
      if (req.url.endsWith('/candidate.create')) body = JSON.stringify({ success: true, results: { id: 'cand-Łódź-日本-😀', name: 'Zoë Ørsted' } });
      else if (req.url.endsWith('/file.createFileUploadHandle')) body = JSON.stringify({ success: true, results: { handle: 'h-ü', url: 'http://127.0.0.1:1/bucket', fields: { key: 'uploads/résumé.pdf' } } });
      else if (req.tags.stage === 'upload') body = '<Note>déjà reçu</Note>';
      else body = JSON.stringify({ success: true, results: { id: 'cand-Łódź-日本-😀', name: 'Zoë Ørsted — ✓' } });
      wire.push({ stage: req.tags.stage, sent: wireBytes(req.body), received: Buffer.byteLength(body, 'utf8') });
      utf16Units.push({ stage: req.tags.stage, sent: typeof req.body === 'string' ? req.body.length : req.body.length, received: body.length });
      return { status: req.tags.stage === 'upload' ? 204 : 200, body, durationMs: 1 };
    },
  };
  return { transport, wire, utf16Units };
}

describe('flows count bytes in UTF-8', () => {
  it('utf8ByteLength equals the encoder and Node for ASCII, 2-, 3- and 4-byte characters and lone surrogates', () => {
    for (const s of ['', 'plain', 'é', 'Łódź', '日本語', '😀x', 'a\ud800b', '\udc00', 'end\ud83d']) {
      expect(utf8ByteLength(s)).toBe(utf8Encode(s).length);
      expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });

  it('every stage reports the bytes that went over the wire, for non-ASCII request and response bodies', async () => {
    const { transport, wire, utf16Units } = nonAsciiTarget();
    const seen: Wire[] = [];
    const observer: StageObserver = { stage: (stage, _ok, _d, sent, received) => seen.push({ stage, sent, received }) };
    const flow = createFlow({ scenario: 'full-flow', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', fileSizes: parseFileSizeMix('1KiB'), contexts: parseContextMix('resume:1,form:1'), jobPostingId: 'posting-Ñandú' });
    const worker = flow.newWorker(1);
    for (let n = 0; n < 2; n++) expect(await flow.iterate(transport, observer, worker, n)).toBe(true);
    expect(seen.map((s) => s.stage).sort()).toEqual(['attach', 'attach', 'handle_create', 'handle_create', 'setup', 'upload', 'upload']);
    // The flow reports stages in the order it sent them, except setup (reported before its attach).
    const byStage = (xs: Wire[]) => [...xs].sort((a, b) => a.stage.localeCompare(b.stage) || a.sent - b.sent || a.received - b.received);
    expect(byStage(seen)).toEqual(byStage(wire));
    // Non-ASCII really was on the wire (bytes ≠ UTF-16 units) in every answer and in the attach
    // requests (the candidate id and posting id), else this test could not tell the two counts apart.
    wire.forEach((w, i) => expect(w.received).toBeGreaterThan(utf16Units[i]!.received));
    wire.forEach((w, i) => w.stage === 'attach' && expect(w.sent).toBeGreaterThan(utf16Units[i]!.sent));
  });

  it('uses the byte count an engine reports instead of recounting the text (the node engine fast path)', async () => {
    // The answer's text is 2 UTF-16 units; the engine says 1234 bytes arrived: the flow must report 1234.
    const transport: Transport = { request: async () => ({ status: 200, body: '{}', durationMs: 1, bodyBytes: 1234 }) };
    const seen: number[] = [];
    const observer: StageObserver = { stage: (_s, _ok, _d, _sent, received) => seen.push(received) };
    const flow = createFlow({ scenario: 'handle-create', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', fileSizes: parseFileSizeMix('1KiB'), contexts: parseContextMix('resume') });
    await flow.iterate(transport, observer, flow.newWorker(1), 0);
    expect(seen).toEqual([1234]);
  });
});
