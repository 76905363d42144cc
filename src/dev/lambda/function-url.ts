/**
 * What a Function URL makes of an invocation's outcome: a buffered payload
 * (a result object with statusCode, headers, cookies, body), a stream whose
 * HTTP-integration prelude (JSON, then 8 NUL bytes) carries status and
 * headers, or a 502 when the function failed, timed out or crashed.
 */
import type { InvocationOutcome } from './invocation';

/** Content type the runtime client gives a stream that starts with an HTTP prelude. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = Buffer.alloc(8);

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; `set-cookie` is a list. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

export interface Prelude {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
}

/** The prelude and the bytes after it, or `undefined` while the 8-NUL delimiter has not arrived. */
export function splitPrelude(raw: Buffer): { prelude: Prelude; body: Buffer } | undefined {
  const at = raw.indexOf(PRELUDE_DELIMITER);
  if (at < 0) return undefined;
  return { prelude: JSON.parse(raw.subarray(0, at).toString('utf8')) as Prelude, body: raw.subarray(at + PRELUDE_DELIMITER.length) };
}

/** Status and headers a stream starts with: from its prelude, or 200 with its own content type. */
export function streamHead(contentType: string, prelude: Prelude | undefined): { status: number; headers: Record<string, string | string[]> } {
  if (!prelude) return { status: 200, headers: { 'content-type': contentType } };
  const headers: Record<string, string | string[]> = lowerCase(prelude.headers ?? {});
  if (prelude.cookies?.length) headers['set-cookie'] = prelude.cookies;
  return { status: prelude.statusCode ?? 200, headers };
}

/** The whole HTTP response for a finished invocation. */
export function httpResponseOf(outcome: InvocationOutcome): HttpResponse {
  switch (outcome.kind) {
    case 'response':
      return bufferedResponse(outcome.payload);
    case 'stream': {
      if (outcome.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) return { ...streamHead(outcome.contentType, undefined), body: outcome.body };
      const parts = splitPrelude(outcome.body);
      if (!parts) return failure('Runtime.InvalidStream', 'The stream ended before its HTTP prelude was complete.');
      return { ...streamHead(outcome.contentType, parts.prelude), body: parts.body };
    }
    case 'error':
      return failure(outcome.error.errorType, outcome.error.errorMessage);
    case 'timeout':
      return failure('Sandbox.Timedout', `Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds`);
    case 'crash':
      return failure('Runtime.ExitError', `The runtime exited (${outcome.signal ?? `exit code ${outcome.exitCode}`}) during the invocation.`);
  }
}

/**
 * A buffered payload: an object with `statusCode` is an HTTP result; any
 * other JSON value becomes a 200 with that JSON as body, as Function URLs do.
 */
export function bufferedResponse(payload: Buffer): HttpResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return failure('Runtime.InvalidResponse', 'The function returned a payload that is not JSON.');
  }
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: payload };
  }
  const r = result as { statusCode?: number; headers?: Record<string, string>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const headers: Record<string, string | string[]> = lowerCase(r.headers ?? {});
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  const body = typeof r.body === 'string' ? Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  return { status: r.statusCode ?? 200, headers, body };
}

/**
 * What a Function URL answers when Lambda throttles the invocation (the
 * function is at its concurrency): 429, with Lambda's error type.
 */
export function throttledResponse(): HttpResponse {
  return {
    status: 429,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
    body: Buffer.from(JSON.stringify({ Message: 'Rate Exceeded.' })),
  };
}

/**
 * A Function URL answers 502 when the function fails. It says no more; the
 * local server adds Lambda's error type and message to help you find why.
 */
function failure(errorType: string, errorMessage: string): HttpResponse {
  return {
    status: 502,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
    body: Buffer.from(JSON.stringify({ Message: 'Internal Server Error', errorType, errorMessage })),
  };
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
