// Replays one raw server answer through an HTTP/1.1 client and reports how the exchange ended: the
// status, the body bytes, the error code (or none), and whether the client then reused the connection.
// A raw TCP server writes `answer` to the first request, and then a plain 200 to a second request
// (the probe): the probe arriving on the same socket means the connection was reused.
import { Client } from 'undici';
import { createNetwork } from '../../src/client/dispatcher.ts';
import { createNodeEngineTransport } from '../../src/load/node-engine-transport.ts';
import type { TransportRequest } from '../../scenarios/flows/index.ts';
import { rawServer } from '../support/servers.ts';

export interface RawAnswer {
  /** The bytes the server writes (latin1). */
  answer: string;
  /** The server closes its side after writing them. */
  thenClose?: boolean;
  /** Headers and body timeout of the client (default 5 s: no row should wait for it unless it says so). */
  timeoutMs?: number;
}

export interface Outcome {
  status: number;
  /** The body bytes (latin1). */
  body: string;
  /** The error code the client reported (undici's parser errors carry none: then the error's name). */
  error?: string;
  /** 'reused': the next request went over the same connection; 'closed': over a new one. */
  connection: 'reused' | 'closed' | `probe failed: ${string}`;
}

const PROBE_ANSWER = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nprobe';

type Send = (path: string) => Promise<{ status: number; body: string; error?: string }>;

async function replay(row: RawAnswer, client: (url: string) => { send: Send; close(): Promise<void> }): Promise<Outcome> {
  const socketOf: number[] = [];
  const server = await rawServer((request, socket) => {
    socketOf.push(server.sockets.indexOf(socket));
    if (request.startsWith('POST /probe ')) socket.write(PROBE_ANSWER);
    else if (row.thenClose) socket.end(row.answer, 'latin1');
    else if (row.answer) socket.write(row.answer, 'latin1');
  });
  const c = client(server.url);
  try {
    const first = await c.send('/answer');
    const probe = await c.send('/probe');
    const connection = probe.status !== 200 ? (`probe failed: ${probe.error}` as const) : socketOf[0] === socketOf[1] ? 'reused' : 'closed';
    return { status: first.status, body: first.body, ...(first.error === undefined ? {} : { error: first.error }), connection };
  } finally {
    await c.close();
    await server.close();
  }
}

const request = (url: string): TransportRequest => ({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, body: 'x', tags: { stage: 'handle_create', name: 'x' } });

/** Through the node engine's transport (its own HTTP/1.1 client, one connection); `served` receives its per-path counts. */
export function replayThroughEngine(row: RawAnswer, served: { direct: number; proxied: number } = { direct: 0, proxied: 0 }): Promise<Outcome> {
  return replay(row, (url) => {
    // No proxy variables: whatever the machine's environment says, these requests go direct.
    const t = createNodeEngineTransport(1, row.timeoutMs ?? 5_000, createNetwork({ env: {} }));
    return {
      send: async (path) => {
        const res = await t.request(request(`${url}${path}`));
        const body = Buffer.from(res.body, 'utf8').toString('latin1');
        return { status: res.status, body, ...(res.error === undefined ? {} : { error: res.error }) };
      },
      close: () => {
        Object.assign(served, t.served);
        return t.destroy();
      },
    };
  });
}

/** Through undici's Client (one connection, no pipelining), the same request. */
export function replayThroughUndici(row: RawAnswer): Promise<Outcome> {
  return replay(row, (url) => {
    const timeout = row.timeoutMs ?? 5_000;
    const c = new Client(url, { pipelining: 1, headersTimeout: timeout, bodyTimeout: timeout });
    return {
      send: async (path) => {
        try {
          const res = await c.request({ method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: 'x' });
          return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()).toString('latin1') };
        } catch (err) {
          const e = err as { code?: string; name?: string };
          return { status: 0, body: '', error: e.code ?? e.name ?? 'error' };
        }
      },
      close: () => c.destroy(),
    };
  });
}
