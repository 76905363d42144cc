/**
 * One invocation as the Runtime API sees it: what goes to the function, and
 * what came back, in the shapes Lambda itself distinguishes.
 */

/** What the function (or the runtime client on its behalf) reported as an error. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
}

/** A body chunk of a streamed response, with the time it reached the Runtime API. @unit ms, performance.now() */
export interface StreamChunk {
  readonly bytes: Buffer;
  readonly at: number;
}

export type InvocationOutcome =
  /** A buffered handler returned: the JSON payload it posted to `/response`. */
  | { readonly kind: 'response'; readonly payload: Buffer }
  /** A streaming handler finished its stream; `error` is set when it failed mid-stream (trailers). */
  | {
      readonly kind: 'stream';
      readonly contentType: string;
      readonly body: Buffer;
      readonly chunks: readonly StreamChunk[];
      readonly error?: FunctionError;
      readonly dropped?: boolean;
    }
  /** The handler threw or rejected (buffered), or the runtime failed to start it (init error). */
  | { readonly kind: 'error'; readonly error: FunctionError; readonly phase: 'init' | 'invoke' }
  /** The deadline passed first: Lambda stops the execution environment. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The process exited while the invocation ran. */
  | { readonly kind: 'crash'; readonly exitCode: number | null; readonly signal: string | null; readonly lastOutput: string };

export interface InvokeRequest {
  readonly event: unknown;
  /** @default - a random UUID */
  readonly requestId?: string;
  /** Time the invocation may run, as the function timeout would allow. @unit ms */
  readonly timeoutMs: number;
  /** X-Ray trace header passed to the function. @default - none */
  readonly traceId?: string;
  /** Streamed responses only: called with each body chunk as it arrives, and the stream's content type. */
  readonly onChunk?: (chunk: StreamChunk, contentType: string) => void;
  /**
   * Fault injection: the Runtime API drops the connection of a streamed
   * response after this many body chunks, as when the caller goes away.
   * @default - never
   */
  readonly dropStreamAfterChunks?: number;
}

/** The 6 MB payload limit of synchronous invocations (buffered responses). @unit bytes */
export const MAX_BUFFERED_PAYLOAD_BYTES = 6 * 1024 * 1024;
