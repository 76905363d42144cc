/**
 * HTTP servers on a loopback address that close for good: `close()` ends
 * their open connections (keep-alive, long polls, streams) instead of waiting
 * for clients to hang up. Every local server of the project starts this way.
 */
import type * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** Stops listening and ends open connections (a function property: safe to pass around). */
  readonly close: () => Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function listenOnLoopback(server: http.Server, port = 0, host = '127.0.0.1'): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.address}:${bound.port}`;
  return {
    url: `http://${address}`,
    address,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
