// The engine's own HTTP/1.1 client read these answers wrongly: it compared the whole Connection value
// with "close" (so `close, x` kept the connection), kept a connection after an answer with both
// Transfer-Encoding and Content-Length, read the status from three characters wherever the line went
// on (`HTTP/1.1 2000` was a 200), took any Transfer-Encoding ending in "chunked" as chunked, ignored
// malformed header lines and waited for a CRLF that a bare-LF answer never sends.
import { describe, expect, it } from 'vitest';
import { replayThroughEngine } from '../load/http1-replay.ts';

const OK = 'Content-Length: 2\r\n\r\nok';

describe('engine HTTP/1.1 client: parser gaps', () => {
  it('Connection is a case-insensitive token list: `close, x` and `x ,CLOSE` close the connection', async () => {
    for (const value of ['close, x', 'x ,CLOSE', 'keep-alive, close'])
      expect(await replayThroughEngine({ answer: `HTTP/1.1 200 OK\r\nConnection: ${value}\r\n${OK}` }), value).toEqual({ status: 200, body: 'ok', connection: 'closed' });
    expect(await replayThroughEngine({ answer: `HTTP/1.0 200 OK\r\nConnection: x, Keep-Alive\r\n${OK}` })).toEqual({ status: 200, body: 'ok', connection: 'reused' });
    expect(await replayThroughEngine({ answer: `HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n close\r\n${OK}` }), 'folded').toMatchObject({ connection: 'closed' });
  });

  it('Transfer-Encoding overrides Content-Length, and the connection is closed after such an answer', async () => {
    const chunked = '\r\n\r\n2\r\nok\r\n0\r\n\r\n';
    expect(await replayThroughEngine({ answer: `HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked${chunked}` })).toEqual({ status: 200, body: 'ok', connection: 'closed' });
    expect(await replayThroughEngine({ answer: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2${chunked}` })).toEqual({ status: 200, body: 'ok', connection: 'closed' });
    // Only a final `chunked` token is chunked; anything else is read until the server closes.
    expect(await replayThroughEngine({ answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\nraw', thenClose: true })).toEqual({ status: 200, body: 'raw', connection: 'closed' });
  });

  it('the status line is exactly HTTP/1.x SP 3DIGIT SP reason', async () => {
    for (const line of ['HTTP/1.1 2000 OK', 'HTTP/1.1 200OK', 'HTTP/1.1 200'])
      expect(await replayThroughEngine({ answer: `${line}\r\n${OK}` }), line).toEqual({ status: 0, body: '', error: 'HPE_INVALID_STATUS', connection: 'closed' });
    for (const line of ['HTTP/1.2 200 OK', 'HTTP/2.0 200 OK'])
      expect(await replayThroughEngine({ answer: `${line}\r\n${OK}` }), line).toEqual({ status: 0, body: '', error: 'HPE_INVALID_VERSION', connection: 'closed' });
  });

  it('malformed heads fail at once with a parse error, not a timeout or a guess', async () => {
    const cases: [string, string][] = [
      [`HTTP/1.1 200 OK\r\nX-Bad\r\n${OK}`, 'HPE_INVALID_HEADER_TOKEN'],
      [`HTTP/1.1 200 OK\r\n: x\r\n${OK}`, 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', 'HPE_INVALID_HEADER_TOKEN'],
      ['HTTP/1.1 200 OK\nContent-Length: 2\n\nok', 'HPE_CR_EXPECTED'],
      [`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${OK}`, 'HPE_UNEXPECTED_CONTENT_LENGTH'],
      [`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n${OK}`, 'UND_ERR_HEADERS_OVERFLOW'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 2\r\nok\r\n0\r\n\r\n', 'HPE_INVALID_CHUNK_SIZE'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nbad trailer\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    ];
    // A timeout far beyond the test's own: an answer the client waited on would fail the test, not pass it.
    for (const [answer, error] of cases) expect(await replayThroughEngine({ answer, timeoutMs: 600_000 }), JSON.stringify(answer.slice(0, 40))).toEqual({ status: 0, body: '', error, connection: 'closed' });
  });

  it('a keep-alive timeout too short to reuse the connection safely closes it after the answer', async () => {
    expect(await replayThroughEngine({ answer: `HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\n${OK}` })).toEqual({ status: 200, body: 'ok', connection: 'closed' });
  });
});
