/**
 * The handler's error hierarchy. Every failure becomes an HttpError before it
 * reaches the caller, with a stable `type` from the HTTP contract and a
 * message that is safe to show: no stack, no secret, no upstream body.
 */

export type ErrorType =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'upstream_error'
  | 'overloaded'
  | 'timeout'
  | 'internal_error';

export const STATUS_BY_TYPE: Readonly<Record<ErrorType, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  upstream_error: 502,
  overloaded: 503,
  timeout: 504,
  internal_error: 500,
};

/** Root of the errors the handler turns into HTTP responses. */
export class HttpError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  /** Extra response headers, e.g. `allow` on 405 or `retry-after` on 429. */
  readonly headers: Readonly<Record<string, string>>;
  /** What the agent produced before it stopped (504 and some 502s). */
  readonly partial?: unknown;

  constructor(type: ErrorType, message: string, options: { cause?: unknown; headers?: Record<string, string>; partial?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.type = type;
    this.status = STATUS_BY_TYPE[type];
    this.headers = options.headers ?? {};
    this.partial = options.partial;
  }
}

export class InvalidRequestError extends HttpError {
  constructor(message: string) {
    super('invalid_request', message);
    this.name = 'InvalidRequestError';
  }
}

/** The function's own configuration is wrong: a deploy problem, reported as 500. */
export class ConfigError extends HttpError {
  constructor(message: string) {
    super('internal_error', `The agent is misconfigured: ${message}`);
    this.name = 'ConfigError';
  }
}
