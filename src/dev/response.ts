/**
 * Writes an invocation's outcome to the HTTP response the way a Function URL
 * does. A streamed response is forwarded live: the prelude becomes the status
 * line and headers, and each body chunk goes out as it reaches the Runtime API.
 */
import type { ServerResponse } from 'node:http';
import { HTTP_INTEGRATION_CONTENT_TYPE, httpResponseOf, splitPrelude, streamHead } from './lambda/function-url';
import type { InvocationOutcome, StreamChunk } from './lambda/invocation';

/** Writes a finished invocation (buffered, failed, timed out) in one go. */
export function writeOutcome(res: ServerResponse, outcome: InvocationOutcome): void {
  const http = httpResponseOf(outcome);
  res.writeHead(http.status, { ...http.headers });
  res.end(http.body);
}

/** Forwards a streamed response chunk by chunk; anything else is written whole at the end. */
export class StreamForwarder {
  private pending = Buffer.alloc(0);
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  /** Pass to `InvokeRequest.onChunk`. */
  onChunk = (chunk: StreamChunk, contentType: string): void => {
    if (this.started) {
      this.res.write(chunk.bytes);
      return;
    }
    if (contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
      this.start(streamHead(contentType, undefined));
      this.res.write(chunk.bytes);
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk.bytes]);
    const parts = splitPrelude(this.pending);
    if (!parts) return;
    this.start(streamHead(contentType, parts.prelude));
    if (parts.body.length > 0) this.res.write(parts.body);
    this.pending = Buffer.alloc(0);
  };

  /** Ends the response once the invocation is over. */
  finish(outcome: InvocationOutcome): void {
    if (!this.started) return writeOutcome(this.res, outcome);
    // Headers are gone: a stream that failed midway can only end (the client sees it cut short).
    if (outcome.kind === 'stream' && !outcome.error) this.res.end();
    else this.res.destroy();
  }

  private start(head: { status: number; headers: Record<string, string | string[]> }): void {
    this.started = true;
    this.res.writeHead(head.status, head.headers);
    this.res.flushHeaders();
  }
}
