// Loopback servers for tests: listening and closing any node:http/https/net server, a port nothing
// listens on, and a raw TCP server that answers with whatever bytes a test wants.
import type { Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Listens on an ephemeral loopback port; resolves with the port. */
export function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

/** Closes the server, ending its open connections first (an HTTP server's keep-alive ones too). */
export function close(server: Server | HttpServer): Promise<void> {
  return new Promise((r) => {
    (server as HttpServer).closeAllConnections?.();
    server.close(() => r());
  });
}

/** A loopback port that was just free and that nothing listens on: connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

export interface RawServer {
  url: string;
  server: Server;
  /** Every accepted socket, in accept order. */
  sockets: Socket[];
  /** Destroys every socket, then closes the server. */
  close: () => Promise<void>;
}

/**
 * A raw TCP server for the HTTP/1.1 client tests: it splits what arrives into requests (head, then as
 * many body bytes as the request's content-length says) and hands each, with its socket, to `answer`,
 * which writes whatever bytes the test wants — valid HTTP or not.
 */
export async function rawServer(answer: (request: string, socket: Socket) => void): Promise<RawServer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let buffered = '';
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        answer(request, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { url: `http://127.0.0.1:${port}`, server, sockets, close: stop };
}
