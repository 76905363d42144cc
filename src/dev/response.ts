/**
 * Writes what a handler returned to the HTTP response the way a Function URL
 * does: the buffered result object (statusCode, headers, cookies, body,
 * isBase64Encoded), or a stream whose prelude becomes the status line and
 * headers and whose body chunks are forwarded as they are written.
 */
import type { ServerResponse } from 'node:http';
import { HTTP_INTEGRATION_CONTENT_TYPE, splitPrelude, type CapturedChunk } from './lambda-runtime';

interface BufferedResult {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export function writeBufferedResult(res: ServerResponse, result: unknown): void {
  // A result without statusCode is sent as a JSON body with status 200, as Function URLs do.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(result === undefined ? '' : JSON.stringify(result));
    return;
  }
  const r = result as BufferedResult;
  const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(r.body === undefined ? '' : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8'));
}

/**
 * Receives the handler's stream chunks and forwards them to `res`: the bytes
 * before the 8-NUL delimiter are the prelude (status and headers), everything
 * after is body, flushed chunk by chunk.
 */
export class StreamForwarder {
  private pending = Buffer.alloc(0);
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly contentType: () => string,
  ) {}

  onChunk = (chunk: CapturedChunk): void => {
    if (this.started) {
      this.res.write(chunk.bytes);
      return;
    }
    if (this.contentType() !== HTTP_INTEGRATION_CONTENT_TYPE) {
      this.start(200, { 'content-type': this.contentType() });
      this.res.write(chunk.bytes);
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk.bytes]);
    const parts = splitPrelude(this.pending);
    if (!parts) return;
    const headers: Record<string, string | string[]> = { ...parts.prelude.headers };
    if (parts.prelude.cookies?.length) headers['set-cookie'] = parts.prelude.cookies;
    this.start(parts.prelude.statusCode, headers);
    if (parts.body.length > 0) this.res.write(parts.body);
    this.pending = Buffer.alloc(0);
  };

  end(): void {
    if (!this.started) this.start(200, { 'content-type': this.contentType() });
    this.res.end();
  }

  private start(status: number, headers: Record<string, string | string[]>): void {
    this.started = true;
    this.res.writeHead(status, headers);
    this.res.flushHeaders();
  }
}
