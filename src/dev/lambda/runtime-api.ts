/**
 * Lambda's Runtime API (2018-06-01), served on 127.0.0.1 for one execution
 * environment: the runtime client long-polls `/invocation/next`, posts the
 * result to `/response` (whole, or streamed with chunked encoding and error
 * trailers) or `/error`, and reports start-up failures to `/init/error`.
 * Headers go out in the casing Lambda's own service uses: the runtime
 * client's native HTTP client does not find them otherwise.
 */
import { performance } from 'node:perf_hooks';
import * as http from 'node:http';
import { listenOnLoopback, type LoopbackServer } from '../loopback';
import { MAX_BUFFERED_PAYLOAD_BYTES, type FunctionError, type InvocationOutcome, type StreamChunk } from './invocation';

const PREFIX = '/2018-06-01/runtime';
const RESPONSE_MODE_HEADER = 'lambda-runtime-function-response-mode';
const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';
const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type';
const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body';

/** An invocation handed to the runtime: delivered by `/next`, settled by `/response` or `/error`. */
export interface PendingInvocation {
  readonly requestId: string;
  readonly event: unknown;
  readonly deadlineMs: number;
  readonly functionArn: string;
  readonly traceId?: string;
  readonly onChunk?: (chunk: StreamChunk, contentType: string) => void;
  readonly dropStreamAfterChunks?: number;
  settle(outcome: InvocationOutcome): void;
}

export interface RuntimeApiListener {
  /** The runtime asked for work: the first time, its init phase is over. */
  onNext(): void;
  onInitError(error: FunctionError): void;
}

export class RuntimeApi {
  private readonly server: http.Server;
  private listening: LoopbackServer | undefined;
  private waiting: http.ServerResponse | undefined;
  private queued: PendingInvocation | undefined;
  private current: PendingInvocation | undefined;

  private constructor(private readonly listener: RuntimeApiListener) {
    this.server = http.createServer((req, res) => void this.route(req, res));
    // Each chunk of a streamed response is read as soon as it arrives.
    this.server.on('connection', (socket) => socket.setNoDelay(true));
  }

  static async start(listener: RuntimeApiListener): Promise<RuntimeApi> {
    const api = new RuntimeApi(listener);
    api.listening = await listenOnLoopback(api.server);
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    if (!this.listening) throw new Error('The Runtime API is not listening.');
    return this.listening.address;
  }

  /** Hands an invocation to the runtime, now if it is waiting on `/next`, else at its next poll. */
  dispatch(invocation: PendingInvocation): void {
    if (this.current || this.queued) throw new Error('The execution environment is busy: Lambda runs one invocation at a time per environment.');
    this.queued = invocation;
    this.deliver();
  }

  /** Forgets the invocation in flight (after a timeout or crash): later posts for it are refused. */
  abandon(requestId: string): void {
    if (this.current?.requestId === requestId) this.current = undefined;
    if (this.queued?.requestId === requestId) this.queued = undefined;
  }

  close(): Promise<void> {
    this.waiting?.destroy();
    return this.listening?.close() ?? Promise.resolve();
  }

  private deliver(): void {
    if (!this.waiting || !this.queued) return;
    const res = this.waiting;
    const invocation = this.queued;
    this.waiting = undefined;
    this.queued = undefined;
    this.current = invocation;
    const body = JSON.stringify(invocation.event ?? null);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
      'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': invocation.functionArn,
      ...(invocation.traceId ? { 'Lambda-Runtime-Trace-Id': invocation.traceId } : {}),
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      this.waiting = res;
      this.listener.onNext();
      this.deliver();
      return;
    }
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      const error = parseError(await readBody(req), req.headers[ERROR_TYPE_HEADER]);
      accepted(res);
      this.listener.onInitError(error);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method !== 'POST' || !match) {
      req.resume();
      return reply(res, 404, { errorType: 'InvalidRequest', errorMessage: `The Runtime API serves no ${req.method} ${url}.` });
    }
    const requestId = decodeURIComponent(match[1]);
    const invocation = this.current;
    if (!invocation || invocation.requestId !== requestId) {
      req.resume();
      return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId} is not the invocation in flight.` });
    }
    if (match[2] === 'error') {
      const error = parseError(await readBody(req), req.headers[ERROR_TYPE_HEADER]);
      this.current = undefined;
      accepted(res);
      invocation.settle({ kind: 'error', error, phase: 'invoke' });
      return;
    }
    if (String(req.headers[RESPONSE_MODE_HEADER] ?? '').toLowerCase() === 'streaming') return this.receiveStream(req, res, invocation);
    const body = await readBody(req, MAX_BUFFERED_PAYLOAD_BYTES);
    this.current = undefined;
    if (body === undefined) {
      reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `The response is larger than ${MAX_BUFFERED_PAYLOAD_BYTES} bytes.` });
      invocation.settle({
        kind: 'error',
        phase: 'invoke',
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_BUFFERED_PAYLOAD_BYTES} bytes).`,
        },
      });
      return;
    }
    accepted(res);
    invocation.settle({ kind: 'response', payload: body });
  }

  /** Chunks are handed on as they arrive; errors come in the trailers, after the last chunk. */
  private receiveStream(req: http.IncomingMessage, res: http.ServerResponse, invocation: PendingInvocation): void {
    const chunks: StreamChunk[] = [];
    const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
    const finish = (extra: { error?: FunctionError; dropped?: boolean }) => {
      if (this.current === invocation) this.current = undefined;
      invocation.settle({ kind: 'stream', contentType, body: Buffer.concat(chunks.map((c) => c.bytes)), chunks, ...extra });
    };
    req.on('data', (bytes: Buffer) => {
      const chunk = { bytes, at: performance.now() };
      chunks.push(chunk);
      invocation.onChunk?.(chunk, contentType);
      if (chunks.length === invocation.dropStreamAfterChunks) {
        req.socket.destroy();
        finish({ dropped: true });
      }
    });
    req.on('end', () => {
      const errorType = req.trailers[ERROR_TYPE_TRAILER];
      const errorBody = req.trailers[ERROR_BODY_TRAILER];
      accepted(res);
      finish(errorType ? { error: parseError(errorBody ? Buffer.from(errorBody, 'base64') : Buffer.alloc(0), errorType) } : {});
    });
    // The runtime dropped the stream without finishing it.
    req.on('error', () => finish({ error: { errorType: 'Runtime.StreamAborted', errorMessage: 'The runtime closed the response stream before its end.' } }));
  }
}

/** The body, or `undefined` when it is larger than `limit` bytes. */
async function readBody(req: http.IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

function parseError(body: Buffer | undefined, typeHeader: string | string[] | undefined): FunctionError {
  const fallbackType = typeof typeHeader === 'string' && typeHeader ? typeHeader : 'Unknown';
  try {
    const json = JSON.parse((body ?? Buffer.alloc(0)).toString('utf8')) as Partial<FunctionError>;
    return {
      errorType: typeof json.errorType === 'string' ? json.errorType : fallbackType,
      errorMessage: typeof json.errorMessage === 'string' ? json.errorMessage : '',
      ...(Array.isArray(json.stackTrace) ? { stackTrace: json.stackTrace.map(String) } : {}),
    };
  } catch {
    return { errorType: fallbackType, errorMessage: (body ?? Buffer.alloc(0)).toString('utf8').slice(0, 1000) };
  }
}

function accepted(res: http.ServerResponse): void {
  reply(res, 202, { status: 'OK' });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
