/**
 * The local Function URL: an HTTP server on 127.0.0.1 that turns each request
 * into a payload-v2 event, calls the buffered or the streaming export of the
 * loaded handler with a Lambda context, and answers as a Function URL would.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { toFunctionUrlEvent } from './event';
import type { LoadedHandlers } from './handler-loader';
import { RuntimeResponseStream } from './lambda-runtime';
import { StreamForwarder, writeBufferedResult } from './response';

export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface DevServerOptions {
  /** @default 3000 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 'BUFFERED' */
  readonly invokeMode?: InvokeMode;
  /** The function timeout the context reports. @default 120 @unit seconds */
  readonly timeoutSeconds?: number;
  /** @default 512 @unit MB */
  readonly memoryMb?: number;
  /** @default 'claude-agent-local' */
  readonly functionName?: string;
  /** The handlers currently served; called per request so a rebuild swaps them. */
  readonly handlers: () => LoadedHandlers;
  /** Where request lines go. @default - stderr */
  readonly log?: (line: string) => void;
}

export interface DevServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const invokeMode = options.invokeMode ?? 'BUFFERED';
  const timeoutMs = (options.timeoutSeconds ?? 120) * 1000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sockets = new Set<Socket>();

  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    // A client that hangs up mid-stream must not take the server down.
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const event = toFunctionUrlEvent(req, Buffer.concat(chunks));
    const requestId = String((event.requestContext as { requestId?: string }).requestId ?? randomUUID());
    const context = {
      awsRequestId: requestId,
      functionName: options.functionName ?? 'claude-agent-local',
      functionVersion: '$LATEST',
      memoryLimitInMB: String(options.memoryMb ?? 512),
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${options.functionName ?? 'claude-agent-local'}`,
      getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()),
    };
    try {
      const handlers = options.handlers();
      if (invokeMode === 'RESPONSE_STREAM') {
        let stream: RuntimeResponseStream | undefined;
        const forwarder = new StreamForwarder(res, () => stream?.contentType ?? 'application/octet-stream');
        stream = new RuntimeResponseStream(forwarder.onChunk);
        await handlers.streamHandler(event, stream, context);
        if (!stream.writableEnded) await new Promise<void>((resolve) => stream!.end(resolve));
        forwarder.end();
      } else {
        writeBufferedResult(res, await handlers.handler(event, context));
      }
    } catch (error) {
      // What Lambda answers when the function itself throws.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json', 'x-amzn-errortype': 'Function.Error' });
      res.end(JSON.stringify({ Message: 'The function threw an unhandled error.', error: String(error) }));
    }
    const elapsed = Date.now() - started;
    log(`${req.method} ${req.url} ${res.statusCode} ${elapsed} ms${elapsed > timeoutMs ? ' (over the function timeout: Lambda would have stopped it)' : ''}`);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
