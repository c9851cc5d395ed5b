// One table of raw server answers replayed through the node engine's own HTTP/1.1 client and through
// undici's Client. For every row both must end the same way — status, body bytes, error or not,
// connection reused or closed — except where the row lists undici's outcome and why the engine's
// deliberately differs (each reason cites the RFC 9112 / 9110 rule the engine follows). The engine's
// outcome is asserted exactly, with its error code: the table is also the client's specification; an
// engine code that undici also has (UND_ERR_…) must be the one undici reports for that answer.
// HTTP1_DIFF_TABLE=<file> writes the table of both outcomes to that file.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { replayThroughEngine, replayThroughUndici, type Outcome, type RawAnswer } from './http1-replay.ts';

interface Row extends RawAnswer {
  name: string;
  engine: Outcome;
  /** undici's outcome where it differs, and why the engine does what it does. */
  undici?: { outcome: Outcome; why: string };
}

const OK = 'Content-Length: 2\r\n\r\nok';
const ok = (connection: Outcome['connection'], status = 200, body = 'ok'): Outcome => ({ status, body, connection });
const failed = (error: string): Outcome => ({ status: 0, body: '', error, connection: 'closed' });
/** undici's parser errors have no code (llhttp's name is lost), so they are known by the error's name. */
const UNDICI_PARSE_ERROR = failed('HTTPParserError');

const ROWS: Row[] = [
  // Framing
  { name: 'content-length body', answer: `HTTP/1.1 200 OK\r\n${OK}`, engine: ok('reused') },
  { name: 'chunked body with an extension and a trailer', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b\r\nok\r\n0\r\nX-T: 1\r\n\r\n', engine: ok('reused') },
  { name: 'content-length: 0', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', engine: ok('reused', 200, '') },
  { name: 'no length: the body ends at close', answer: 'HTTP/1.1 200 OK\r\n\r\nuntil close', thenClose: true, engine: ok('closed', 200, 'until close') },
  { name: 'no length, empty body, close', answer: 'HTTP/1.1 200 OK\r\n\r\n', thenClose: true, engine: ok('closed', 200, '') },
  { name: '204 without a body', answer: 'HTTP/1.1 204 No Content\r\n\r\n', engine: ok('reused', 204, '') },
  { name: '204 with transfer-encoding', answer: 'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n', engine: ok('reused', 204, '') },
  {
    name: '204 with content-length: 2',
    answer: 'HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n',
    engine: ok('reused', 204, ''),
    undici: { outcome: failed('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), why: 'RFC 9112 §6.3 (1): a 204 ends at the empty line after its header fields, whatever they say; undici holds the (empty) body against content-length' },
  },
  {
    name: '304 with content-length: 5',
    answer: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n',
    engine: ok('reused', 304, ''),
    undici: { outcome: failed('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), why: "RFC 9110 §8.6: a 304 may carry the length the 200 would have had; RFC 9112 §6.3 (1): it has no body; undici holds the body against content-length" },
  },
  { name: '103 Early Hints, then the answer', answer: `HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n${OK}`, engine: ok('reused') },
  {
    name: '100 Continue (not asked for), then the answer',
    answer: `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n${OK}`,
    engine: ok('reused'),
    undici: { outcome: failed('UND_ERR_SOCKET'), why: 'RFC 9110 §15.2: a client must parse 1xx answers before the final one even when it did not expect them; undici fails an unrequested 100 as a bad response' },
  },
  { name: '101 without an upgrade request', answer: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n', engine: failed('HPE_INVALID_STATUS') },
  { name: 'body cut short by the server closing', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', thenClose: true, engine: failed('UND_ERR_SOCKET') },
  { name: 'bytes after the answer', answer: `HTTP/1.1 200 OK\r\n${OK}HTTP/1.1 200 OK\r\n${OK}`, engine: ok('closed') },
  { name: 'head larger than 16 KiB', answer: `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n${OK}`, engine: failed('UND_ERR_HEADERS_OVERFLOW') },
  { name: 'no answer within the timeout', answer: '', timeoutMs: 100, engine: failed('UND_ERR_HEADERS_TIMEOUT') },
  { name: 'body stalls past the timeout', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab', timeoutMs: 100, engine: failed('UND_ERR_BODY_TIMEOUT') },

  // Transfer-Encoding (RFC 9112 §6.3)
  { name: 'transfer-encoding: CHUNKED', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n', engine: ok('reused') },
  { name: 'transfer-encoding: gzip, chunked', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', engine: ok('reused') },
  { name: 'two transfer-encoding fields, chunked last', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', engine: ok('reused') },
  { name: 'transfer-encoding: chunked, gzip (not last): until close', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw', thenClose: true, engine: ok('closed', 200, 'raw') },
  { name: 'transfer-encoding: xchunked is not chunked', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\nraw', thenClose: true, engine: ok('closed', 200, 'raw') },
  { name: 'transfer-encoding: (empty): until close', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\nraw', thenClose: true, engine: ok('closed', 200, 'raw') },
  { name: 'HTTP/1.0 with chunked', answer: 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n', engine: ok('closed') },
  {
    name: 'content-length: 5 and chunked',
    answer: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    engine: ok('closed'),
    undici: { outcome: failed('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), why: 'RFC 9112 §6.3 (3): transfer-encoding overrides content-length; the answer may be a smuggling attempt, so the connection is closed after it; undici holds the body against content-length' },
  },
  {
    name: 'content-length: 2 and chunked (agreeing)',
    answer: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    engine: ok('closed'),
    undici: { outcome: failed('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), why: 'as above (RFC 9112 §6.3 (3)); undici fails any answer with both' },
  },
  {
    name: 'chunked, then content-length: 9',
    answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    engine: ok('closed'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'as above (RFC 9112 §6.3 (3)); llhttp rejects content-length after transfer-encoding' },
  },

  // Chunks
  { name: 'invalid chunk size', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', engine: failed('HPE_INVALID_CHUNK_SIZE') },
  { name: 'whitespace before the chunk size', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 2\r\nok\r\n0\r\n\r\n', engine: failed('HPE_INVALID_CHUNK_SIZE') },
  {
    name: 'whitespace before a chunk extension',
    answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a=b\r\nok\r\n0\r\n\r\n',
    engine: ok('reused'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name ... ): whitespace before ";" is allowed; llhttp rejects it' },
  },
  { name: 'chunk data not followed by CRLF', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n', engine: failed('HPE_STRICT') },
  { name: 'trailer line without a colon', answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nbad trailer\r\n\r\n', engine: failed('HPE_INVALID_HEADER_TOKEN') },

  // Content-Length (RFC 9110 §8.6)
  { name: 'content-length: x', answer: 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n', engine: failed('HPE_INVALID_CONTENT_LENGTH') },
  { name: 'content-length: +2', answer: 'HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok', engine: failed('HPE_INVALID_CONTENT_LENGTH') },
  { name: 'content-length: 2, 2', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok', engine: failed('HPE_INVALID_CONTENT_LENGTH') },
  { name: 'two content-length fields, different', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok', engine: failed('HPE_UNEXPECTED_CONTENT_LENGTH') },
  { name: 'two content-length fields, equal', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok', engine: failed('HPE_UNEXPECTED_CONTENT_LENGTH') },

  // Connection (RFC 9112 §9.3, RFC 9110 §7.6.1: a comma-separated, case-insensitive token list)
  { name: 'connection: close', answer: `HTTP/1.1 200 OK\r\nConnection: close\r\n${OK}`, engine: ok('closed') },
  { name: 'connection: close, x', answer: `HTTP/1.1 200 OK\r\nConnection: close, x\r\n${OK}`, engine: ok('closed') },
  { name: 'connection: x ,CLOSE', answer: `HTTP/1.1 200 OK\r\nConnection: x ,CLOSE\r\n${OK}`, engine: ok('closed') },
  { name: 'connection: keep-alive, close', answer: `HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n${OK}`, engine: ok('closed') },
  { name: 'two connection fields, close in the second', answer: `HTTP/1.1 200 OK\r\nConnection: x\r\nConnection: close\r\n${OK}`, engine: ok('closed') },
  { name: 'connection: closed (not the close token)', answer: `HTTP/1.1 200 OK\r\nConnection: closed\r\n${OK}`, engine: ok('reused') },
  { name: 'connection: upgrade', answer: `HTTP/1.1 200 OK\r\nConnection: upgrade\r\nUpgrade: h2c\r\n${OK}`, engine: ok('reused') },
  { name: 'HTTP/1.0 without keep-alive', answer: `HTTP/1.0 200 OK\r\n${OK}`, engine: ok('closed') },
  { name: 'HTTP/1.0 connection: keep-alive', answer: `HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n${OK}`, engine: ok('reused') },
  { name: 'HTTP/1.0 connection: x, Keep-Alive', answer: `HTTP/1.0 200 OK\r\nConnection: x, Keep-Alive\r\n${OK}`, engine: ok('reused') },
  { name: 'keep-alive: timeout=5', answer: `HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\n${OK}`, engine: ok('reused') },
  { name: 'keep-alive: timeout=1 (too short to reuse)', answer: `HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\n${OK}`, engine: ok('closed') },
  {
    name: 'keep-alive: timeout=2',
    answer: `HTTP/1.1 200 OK\r\nKeep-Alive: timeout=2\r\n${OK}`,
    engine: ok('reused'),
    undici: { outcome: ok('closed'), why: "the engine closes an idle connection 1 s before the server's hinted timeout (decision 0100), undici 2 s before it: at timeout=2 undici no longer reuses" },
  },

  // Status line (RFC 9112 §4: HTTP-version SP 3DIGIT SP [reason-phrase])
  { name: 'HTTP/1.1 2000 OK', answer: `HTTP/1.1 2000 OK\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 200OK', answer: `HTTP/1.1 200OK\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 20 OK', answer: `HTTP/1.1 20 OK\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 2x0 OK', answer: `HTTP/1.1 2x0 OK\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 (two spaces) 200 OK', answer: `HTTP/1.1  200 OK\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 099 X', answer: `HTTP/1.1 099 X\r\n${OK}`, engine: failed('HPE_INVALID_STATUS') },
  { name: 'HTTP/1.1 999 X', answer: `HTTP/1.1 999 X\r\n${OK}`, engine: ok('reused', 999) },
  { name: 'HTTP/1.1 200 (empty reason)', answer: `HTTP/1.1 200 \r\n${OK}`, engine: ok('reused') },
  {
    name: 'HTTP/1.1 200 (no space, no reason)',
    answer: `HTTP/1.1 200\r\n${OK}`,
    engine: failed('HPE_INVALID_STATUS'),
    undici: { outcome: ok('reused'), why: 'RFC 9112 §4: the space after the status code is required even when the reason is empty; llhttp accepts its absence' },
  },
  { name: 'HTTP/1.2 200 OK', answer: `HTTP/1.2 200 OK\r\n${OK}`, engine: failed('HPE_INVALID_VERSION') },
  {
    name: 'HTTP/2.0 200 OK',
    answer: `HTTP/2.0 200 OK\r\n${OK}`,
    engine: failed('HPE_INVALID_VERSION'),
    undici: { outcome: ok('closed'), why: 'an HTTP/1.1 connection carries HTTP/1.0 and HTTP/1.1 answers only; llhttp also accepts 2.0 in a text status line' },
  },
  { name: 'http/1.1 200 OK (lower case)', answer: `http/1.1 200 OK\r\n${OK}`, engine: failed('HPE_INVALID_CONSTANT') },
  { name: 'not HTTP at all', answer: 'HELLO\r\n\r\n', engine: failed('HPE_INVALID_CONSTANT') },

  // Header lines (RFC 9112 §2.2, §5)
  { name: 'header line without a colon', answer: `HTTP/1.1 200 OK\r\nX-Bad\r\n${OK}`, engine: failed('HPE_INVALID_HEADER_TOKEN') },
  { name: 'empty header name', answer: `HTTP/1.1 200 OK\r\n: x\r\n${OK}`, engine: failed('HPE_INVALID_HEADER_TOKEN') },
  { name: 'whitespace before the colon', answer: 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', engine: failed('HPE_INVALID_HEADER_TOKEN') },
  { name: 'bare LF line ends', answer: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', engine: failed('HPE_CR_EXPECTED') },
  {
    name: 'bare CR inside a header value',
    answer: `HTTP/1.1 200 OK\r\nX-A: a\rb\r\n${OK}`,
    engine: ok('reused'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'RFC 9112 §2.2: a bare CR may be replaced by SP; it is in a field the engine does not read' },
  },
  {
    name: 'obs-fold continuation line',
    answer: `HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n${OK}`,
    engine: ok('reused'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'RFC 9112 §5.2: a user agent must replace obs-fold with SP and read on; llhttp rejects it' },
  },
  {
    name: 'obs-fold inside connection: keep-alive, / close',
    answer: `HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n close\r\n${OK}`,
    engine: ok('closed'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'as above (RFC 9112 §5.2): the folded close token counts' },
  },
  {
    name: 'whitespace-preceded line after the status line',
    answer: `HTTP/1.1 200 OK\r\n X: y\r\n${OK}`,
    engine: ok('reused'),
    undici: { outcome: UNDICI_PARSE_ERROR, why: 'RFC 9112 §2.2: such a line may be consumed without further processing; llhttp rejects it' },
  },
];

const classOf = (o: Outcome) => ({ status: o.status, body: o.body, failed: o.error !== undefined, connection: o.connection });
const results: { row: Row; engine: Outcome; undici: Outcome }[] = [];

describe("the engine's HTTP/1.1 client and undici's Client, answer by answer", () => {
  it('the table names every row once', () => {
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  for (const row of ROWS) {
    it(row.name, async () => {
      const served = { direct: 0, proxied: 0 };
      const engine = await replayThroughEngine(row, served);
      const undici = await replayThroughUndici(row);
      results.push({ row, engine, undici });
      expect(served, 'both requests took the engine\'s own connections').toEqual({ direct: 2, proxied: 0 });
      expect(engine).toEqual(row.engine);
      // The engine's UND_ERR_ codes are the names undici gives the same failure (results key on them).
      if (engine.error?.startsWith('UND_ERR_')) expect(undici.error).toBe(engine.error);
      if (row.undici) {
        expect(undici).toEqual(row.undici.outcome);
        expect(classOf(undici), 'a listed difference must be one').not.toEqual(classOf(engine));
      } else expect(classOf(undici)).toEqual(classOf(engine));
    });
  }

  afterAll(() => {
    const file = process.env.HTTP1_DIFF_TABLE;
    if (!file) return;
    const show = (o: Outcome) => (o.error ? `error ${o.error}` : `${o.status} ${JSON.stringify(o.body)}`) + `, ${o.connection}`;
    const lines = results.map(({ row, engine, undici }) => {
      const same = JSON.stringify(classOf(engine)) === JSON.stringify(classOf(undici));
      return `| ${row.name} | ${show(engine)} | ${show(undici)} | ${same ? 'same' : 'DIFFERS'} | ${row.undici?.why ?? ''} |`;
    });
    const head = ['| answer | engine | undici.Client | outcome class | why the engine differs |', '|---|---|---|---|---|'];
    writeFileSync(file, `${[...head, ...lines].join('\n')}\n`);
  });
});
