/**
 * What Lambda's Node.js runtime does for response streaming, reproduced for
 * tests and the local dev server: the `awslambda` global, and a response
 * stream that carries the HTTP prelude (a JSON object with statusCode and
 * headers), then 8 NUL bytes, then the body, as the Function URL reads it.
 */
import { Writable } from 'node:stream';
import type { AwsLambdaGlobal, HttpResponseMetadata, ResponseStream, StreamingHandler } from '../function/http/lambda-streaming';

/** Content type the runtime gives a stream that starts with an HTTP prelude. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
export const PRELUDE_DELIMITER = new Uint8Array(8);
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

export interface CapturedChunk {
  readonly bytes: Buffer;
  readonly at: number;
}

/** A response stream that hands every write (with its time) to `onChunk`. */
export class RuntimeResponseStream extends Writable implements ResponseStream {
  contentType = 'application/octet-stream';
  private beforeFirstWrite: (() => void) | undefined;

  constructor(private readonly onChunk: (chunk: CapturedChunk) => void) {
    super();
  }

  /** Bytes that bypass the prelude hook (the prelude itself). */
  emitRaw(bytes: Buffer): void {
    this.onChunk({ bytes, at: Date.now() });
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  /** Used by HttpResponseStream.from: the prelude goes out right before the first body byte (or at end). */
  setBeforeFirstWrite(fn: () => void): void {
    this.beforeFirstWrite = fn;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.flushPrelude();
    this.onChunk({ bytes: Buffer.from(chunk), at: Date.now() });
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushPrelude();
    callback();
  }

  private flushPrelude(): void {
    const fn = this.beforeFirstWrite;
    this.beforeFirstWrite = undefined;
    fn?.();
  }
}

export const awslambda: AwsLambdaGlobal = {
  streamifyResponse(handler: StreamingHandler): StreamingHandler {
    (handler as unknown as Record<symbol, string>)[STREAMING] = 'response';
    return handler;
  },
  HttpResponseStream: {
    from(stream: ResponseStream, metadata: HttpResponseMetadata): ResponseStream {
      const runtimeStream = stream as RuntimeResponseStream;
      runtimeStream.setContentType?.(HTTP_INTEGRATION_CONTENT_TYPE);
      const prelude = Buffer.from(JSON.stringify(metadata));
      runtimeStream.setBeforeFirstWrite(() => {
        runtimeStream.emitRaw(Buffer.concat([prelude, PRELUDE_DELIMITER]));
      });
      return stream;
    },
  },
};

/** Installs the global the way the runtime does before it loads the handler module. */
export function installAwslambdaGlobal(): void {
  (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda = awslambda;
}

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';
}

export interface StreamedResponse {
  readonly contentType: string;
  /** The raw bytes the function wrote: prelude, 8 NULs, body. */
  readonly raw: Buffer;
  readonly chunks: CapturedChunk[];
}

/** The HTTP prelude and the bytes after it, or `undefined` while the 8-NUL delimiter has not arrived. */
export function splitPrelude(raw: Buffer): { prelude: HttpResponseMetadata; body: Buffer } | undefined {
  const at = raw.indexOf(Buffer.from(PRELUDE_DELIMITER));
  if (at < 0) return undefined;
  return { prelude: JSON.parse(raw.subarray(0, at).toString('utf8')) as HttpResponseMetadata, body: raw.subarray(at + PRELUDE_DELIMITER.length) };
}

/** Splits a whole captured stream into the HTTP prelude and the body, as the Function URL does. */
export function parseStreamedResponse(raw: Buffer): { prelude: HttpResponseMetadata; body: Buffer } {
  const parts = splitPrelude(raw);
  if (!parts) throw new Error('The stream has no 8-NUL prelude delimiter.');
  return parts;
}
