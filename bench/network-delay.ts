/**
 * A TCP proxy on 127.0.0.1 that puts a network between the zip and a local
 * stand-in: every byte waits half a round trip each way, and a new
 * connection waits for its handshakes first (TCP and TLS 1.3: two round
 * trips) before anything passes. A request on a kept-alive connection then
 * costs one round trip, one on a new connection three, as on AWS.
 */
import * as net from 'node:net';

export interface DelayProxy {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_<SERVICE> or a base URL. */
  readonly url: string;
  /** Connections opened through the proxy so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Round trips a new connection costs before its first byte: TCP's handshake and TLS 1.3's. */
const HANDSHAKE_ROUND_TRIPS = 2;

export async function startDelayProxy(target: string, roundTripMs: number): Promise<DelayProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let opened = 0;
  const oneWay = roundTripMs / 2;
  /** Writes each chunk `delayMs` after it arrived, in order. */
  const delayed = (from: net.Socket, to: net.Socket, startAt: number) => {
    let last = startAt;
    from.on('data', (chunk: Buffer) => {
      const at = Math.max(performance.now() + oneWay, last);
      last = at;
      setTimeout(() => to.destroyed || to.write(chunk), at - performance.now());
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - performance.now())));
  };
  const server = net.createServer((client) => {
    opened += 1;
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => (socket === client ? server : client).destroy());
    }
    const ready = performance.now() + HANDSHAKE_ROUND_TRIPS * roundTripMs;
    delayed(client, server, ready);
    delayed(server, client, ready);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
