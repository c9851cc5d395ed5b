// Regression: the mock had no server timeouts (Fastify's requestTimeout 0 = none, idle 0, Node's
// headersTimeout checked only every 30 s), so a slowloris client could hold sockets open indefinitely.
// Now startMockServer applies SERVER_LIMITS (overridable via `limits`, docs/decisions/0040).
import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startMockServer } from '../../src/mock/index.ts';

describe('mock server timeouts', () => {
  it('closes a connection whose headers never finish', async () => {
    const s = await startMockServer({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 } });
    try {
      const ms = await new Promise<number>((resolve, reject) => {
        const t0 = Date.now();
        const sock = connect(Number(new URL(s.baseUrl).port), '127.0.0.1', () => sock.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        const tick = setInterval(() => sock.writable && sock.write('X-A: 1\r\n'), 50);
        sock.on('error', () => undefined);
        sock.on('close', () => { clearInterval(tick); resolve(Date.now() - t0); });
        setTimeout(() => { clearInterval(tick); sock.destroy(); reject(new Error('not closed')); }, 5000);
      });
      expect(ms).toBeLessThan(2000);
    } finally {
      await s.close();
    }
  });
});
