/**
 * The local Function URL: an HTTP server on 127.0.0.1 that turns each request
 * into a payload-v2 event, invokes the function (the zip under Lambda's
 * runtime client) with the function timeout as its deadline, and answers as a
 * Function URL would, streaming included. Requests from other web pages are
 * refused (local-origin.ts).
 */
import * as http from 'node:http';
import { toFunctionUrlEvent } from './event';
import { ThrottledError, type Invoker } from './lambda/function-pool';
import { throttledResponse } from './lambda/function-url';
import { foreignRequestProblem } from './local-origin';
import { listenOnLoopback } from './loopback';
import { StreamForwarder, writeOutcome } from './response';

export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface DevServerOptions {
  /** @default 3000 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Must match the handler of `target`: index.handler for BUFFERED, index.streamHandler for RESPONSE_STREAM. @default 'BUFFERED' */
  readonly invokeMode?: InvokeMode;
  /**
   * The URL's auth type. With AWS_IAM every event carries the IAM authorizer Lambda adds after checking
   * SigV4 (the dev server does not check signatures). @default 'AWS_IAM', the stack's default
   */
  readonly authType?: 'AWS_IAM' | 'NONE';
  /** The function timeout: each invocation's deadline. @default 120 @unit seconds */
  readonly timeoutSeconds?: number;
  /** The function currently served (one environment, or a pool of them); called per request so a rebuild swaps it. */
  readonly target: () => Invoker;
  /**
   * The dev server's own page for `GET /` (the chat page), which the
   * function never sees. @default - none: every request goes to the function
   */
  readonly page?: () => string;
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

  let port = 0; // known once listening; no request arrives before
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now();
    // A client that hangs up mid-stream must not take the server down.
    res.on('error', () => undefined);
    const refused = foreignRequestProblem(req.headers, port);
    if (refused) {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      res.end(JSON.stringify({ Message: refused }));
      req.resume();
      log(`${req.method} ${req.url} 403 (refused: ${refused})`);
      return;
    }
    if (options.page && req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(options.page());
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const event = toFunctionUrlEvent(req, Buffer.concat(chunks), options.authType ?? 'AWS_IAM');
    const forwarder = invokeMode === 'RESPONSE_STREAM' ? new StreamForwarder(res) : undefined;
    let note = '';
    try {
      const { outcome, initDurationMs } = await options.target().invoke({ event, timeoutMs, onChunk: forwarder?.onChunk });
      if (forwarder) forwarder.finish(outcome);
      else writeOutcome(res, outcome);
      if (initDurationMs !== undefined) note += ` (cold start: init ${Math.round(initDurationMs)} ms)`;
      if (outcome.kind === 'timeout') note += ' (over the function timeout: Lambda stopped it)';
      if (outcome.kind === 'crash' || outcome.kind === 'error') note += ` (function failed: see its output above)`;
    } catch (error) {
      if (error instanceof ThrottledError) {
        const throttled = throttledResponse();
        res.writeHead(throttled.status, throttled.headers);
        res.end(throttled.body);
        log(`${req.method} ${req.url} 429 ${Date.now() - started} ms (throttled: ${error.message})`);
        return;
      }
      // The function could not start (init error): what Lambda answers, with the reason.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json', 'x-amzn-errortype': 'Runtime.InitError' });
      res.end(
        JSON.stringify({
          Message: 'Internal Server Error',
          errorType: 'Runtime.InitError',
          errorMessage: error instanceof Error ? error.message : String(error),
        }),
      );
      note = ' (the function failed to initialise)';
    }
    log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms${note}`);
  };
  const server = http.createServer((req, res) => void handle(req, res));
  const listening = await listenOnLoopback(server, options.port ?? 3000, options.host ?? '127.0.0.1');
  port = Number(new URL(listening.url).port);
  return { url: listening.url, close: listening.close };
}
