// The mock's server writes the answers ended during one turn of the event loop together, at its end
// (src/mock/http-server.ts): nothing reaches a socket while the turn's work goes on, then every answer
// of the turn is written back to back. An answer ended in a later turn is written in that turn.
// (With the global timers faked the mock still answers: test/mock/fake-timers-embedding.test.ts.)
import { request, type ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { pipelineServerFactory, SERVER_LIMITS } from '../../src/mock/http-server.ts';
import { close, listen } from '../support/servers.ts';
import type { Server } from 'node:http';

let server: Server | undefined;
afterEach(async () => {
  if (server) await close(server);
  server = undefined;
});

/** A GET on its own connection; resolves with the answer's status and body. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('answers of one turn are written together', () => {
  it('nothing is written while the turn goes on; every answer of the turn is written at its end', async () => {
    const held: ServerResponse[] = [];
    const seen: { inTurn: number[]; atTurnEnd: number[] } = { inTurn: [], atTurnEnd: [] };
    server = pipelineServerFactory(SERVER_LIMITS)((req, res) => {
      req.resume();
      req.on('end', () => {
        held.push(res);
        if (held.length < 2) return;
        // Both answers end in this one turn, on two connections.
        const sockets = held.map((r) => r.socket!);
        for (const r of held) r.end(`answer to ${r.req.url}`);
        const written = () => sockets.map((socket) => socket.bytesWritten);
        process.nextTick(() => (seen.inTurn = written()));
        // Queued after the batch's own setImmediate (the first end scheduled it), so it runs after it.
        setImmediate(() => (seen.atTurnEnd = written()));
      });
    });
    const port = await listen(server);
    const answers = await Promise.all([get(port, '/a'), get(port, '/b')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body).sort()).toEqual(['answer to /a', 'answer to /b']);
    expect(seen.inTurn).toEqual([0, 0]);
    expect(seen.atTurnEnd).toHaveLength(2);
    for (const bytes of seen.atTurnEnd) expect(bytes).toBeGreaterThan('HTTP/1.1 200 OK\r\n'.length);
  });

  it('an answer ended in a later turn is written in that turn, whatever the batch held before', async () => {
    server = pipelineServerFactory(SERVER_LIMITS)((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('late'), 20));
    });
    const port = await listen(server);
    expect(await get(port, '/late')).toEqual({ status: 200, body: 'late' });
    expect(await get(port, '/late')).toEqual({ status: 200, body: 'late' });
  });

  it('an end() that node refuses closes that connection only: the turn\'s other answers go out, the server keeps answering', async () => {
    const held: ServerResponse[] = [];
    server = pipelineServerFactory(SERVER_LIMITS)((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/after') return res.end('after');
        held.push(res);
        if (held.length < 2) return;
        // One turn: an end() node's own class refuses (a number is not a chunk), then a good one.
        for (const r of held) r.end(r.req.url === '/bad' ? (42 as unknown as string) : 'good');
      });
    });
    const port = await listen(server);
    const [bad, good] = await Promise.allSettled([get(port, '/bad'), get(port, '/good')]);
    expect(bad.status).toBe('rejected'); // the connection was closed without an answer
    expect(good).toEqual({ status: 'fulfilled', value: { status: 200, body: 'good' } });
    expect(await get(port, '/after')).toEqual({ status: 200, body: 'after' });
  });

  it('an answer ended but not yet written counts as sent: a second reply.send in the same turn is refused, the first answer goes out', async () => {
    const app = Fastify({ serverFactory: pipelineServerFactory(SERVER_LIMITS) });
    const sentAfterFirst: boolean[] = [];
    app.get('/', (_req, reply) => {
      void reply.send('first');
      sentAfterFirst.push(reply.sent);
      void reply.send('second'); // Fastify warns "Reply was already sent" and ignores it
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/`);
      expect([res.status, await res.text()]).toEqual([200, 'first']);
      expect(sentAfterFirst).toEqual([true]);
    } finally {
      await app.close();
    }
  }, 5_000);
});
