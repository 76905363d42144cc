/**
 * The one place where failures become the HTTP contract: each error code's
 * status and contract `type`, the headers that go with it, and the JSON
 * error body. Anything that is not an AgentError is an unexpected failure,
 * answered 500 with a fixed message (its details go to the log line only).
 */
import { AgentError, type ErrorCode } from '../errors';
import { MethodNotAllowedError } from './routes';

/** The `type` field of the contract's error object. */
export type ErrorType =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'conflict'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'unavailable'
  | 'upstream_error'
  | 'overloaded'
  | 'timeout'
  | 'internal_error'
  // Only in a job's `error`: no response ever carries these.
  | 'cancelled'
  | 'attempts_exhausted'
  | 'result_too_large';

const CONTRACT: Readonly<Record<ErrorCode, readonly [status: number, type: ErrorType]>> = {
  invalid_request: [400, 'invalid_request'],
  unauthorized: [401, 'unauthorized'],
  not_found: [404, 'not_found'],
  method_not_allowed: [405, 'method_not_allowed'],
  payload_too_large: [413, 'payload_too_large'],
  conflict: [409, 'conflict'],
  budget_exceeded: [429, 'budget_exceeded'],
  state_unavailable: [503, 'unavailable'],
  issuer_unavailable: [503, 'unavailable'],
  misconfigured: [500, 'internal_error'],
  unexpected: [500, 'internal_error'],
  provider_rate_limited: [429, 'rate_limited'],
  provider_failed: [502, 'upstream_error'],
  provider_rejected_credentials: [502, 'upstream_error'],
  credentials_unavailable: [502, 'upstream_error'],
  invalid_result: [502, 'upstream_error'],
  provider_overloaded: [503, 'overloaded'],
  provider_timeout: [504, 'timeout'],
  deadline_exceeded: [504, 'timeout'],
  job_cancelled: [409, 'cancelled'],
  attempts_exhausted: [500, 'attempts_exhausted'],
  result_too_large: [500, 'result_too_large'],
};

/** What the caller gets for a failure. */
export interface HttpFailure {
  readonly status: number;
  readonly type: ErrorType;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly partial?: unknown;
  /** The error as thrown, for the log line. */
  readonly error: AgentError;
}

export function toHttpFailure(thrown: unknown): HttpFailure {
  const error = thrown instanceof AgentError ? thrown : new AgentError('unexpected', 'The agent failed unexpectedly.', { cause: thrown });
  const [status, type] = CONTRACT[error.code];
  const headers: Record<string, string> = {};
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  if (error instanceof MethodNotAllowedError) headers.allow = error.allow;
  // A 429 (rate or budget) or a 409 (a request in progress) says when to come back.
  if (error.retryAfter !== undefined && (status === 429 || status === 409)) headers['retry-after'] = error.retryAfter;
  // A misconfigured function tells the caller no more than that: the log line names the setting.
  const message = error.code === 'misconfigured' ? 'The agent is misconfigured; its log says which setting to fix.' : error.message;
  return { status, type, message, headers, ...(error.partial !== undefined ? { partial: error.partial } : {}), error };
}

/** `{"error":{"type","message","request_id"}}`, plus `partial` when the agent had produced something. */
export function errorBody(failure: HttpFailure, requestId: string): Record<string, unknown> {
  const body: Record<string, unknown> = { error: { type: failure.type, message: failure.message, request_id: requestId } };
  if (failure.partial !== undefined) body.partial = failure.partial;
  return body;
}
