/**
 * Types of the `awslambda` global that Lambda's Node.js runtime provides for
 * response streaming, and a safe way to reach it.
 */
import type { Writable } from 'node:stream';

export interface ResponseStream extends Writable {
  setContentType?(contentType: string): void;
}

export interface HttpResponseMetadata {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies?: string[];
}

export type StreamingHandler = (event: unknown, responseStream: ResponseStream, context: unknown) => Promise<void>;

export interface AwsLambdaGlobal {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: { from(stream: ResponseStream, metadata: HttpResponseMetadata): ResponseStream };
}

export function awslambdaGlobal(): AwsLambdaGlobal | undefined {
  return (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
}
