/**
 * The function's error hierarchy. Domain code (settings, agent loop,
 * providers, tools) throws these, each with a stable `code` and a message
 * that is safe to show: no stack, no secret, no upstream body. Only
 * `http/error-response.ts` knows which HTTP status and contract type each
 * code becomes.
 */

/** Failures of the model provider, or of the credentials to reach it. */ import type { ToolCallRecord } from './agent/events';
import type { Usage } from './agent/usage';

export type ProviderErrorCode =
  | 'provider_rate_limited'
  | 'provider_overloaded'
  | 'provider_timeout'
  | 'provider_rejected_credentials'
  | 'provider_failed'
  | 'credentials_unavailable'
  | 'invalid_result';

export type ErrorCode =
  // The caller's request
  | 'invalid_request'
  | 'payload_too_large'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  // Spending limits across requests
  | 'budget_exceeded'
  // The function's configuration
  | 'misconfigured'
  // The model provider, and the credentials to reach it
  | ProviderErrorCode
  // The state table (sessions, budgets)
  | 'state_unavailable'
  // The sign-in issuer's discovery document or keys (JWT authentication)
  | 'issuer_unavailable'
  // The request's own deadline
  | 'deadline_exceeded'
  // Jobs: cancelled by their caller, out of attempts, a result too large to keep
  | 'job_cancelled'
  | 'attempts_exhausted'
  | 'result_too_large'
  // Anything else
  | 'unexpected';

/** What the agent produced before it stopped, attached to some failures. */
export interface PartialResult {
  readonly output: string;
  readonly iterations: number;
  readonly tool_calls: readonly ToolCallRecord[];
  readonly usage: Usage;
  readonly cost_usd: number | null;
  /** Part of `usage` is an estimate: a model call failed before the provider reported what it spent. */
  readonly usage_estimated?: true;
}

export interface AgentErrorOptions {
  readonly cause?: unknown;
  readonly partial?: PartialResult;
  /** The upstream's `retry-after`, passed on to the caller. */
  readonly retryAfter?: string;
  /** The request id the upstream gave the failed call. */
  readonly upstreamRequestId?: string;
}

/** Root of every error the function raises on purpose. */
export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly partial?: PartialResult;
  readonly retryAfter?: string;
  readonly upstreamRequestId?: string;

  constructor(code: ErrorCode, message: string, options: AgentErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AgentError';
    this.code = code;
    this.partial = options.partial;
    this.retryAfter = options.retryAfter;
    this.upstreamRequestId = options.upstreamRequestId;
  }

  /** The same error with what the agent had produced attached. */
  withPartial(partial: PartialResult): AgentError {
    const copy = new AgentError(this.code, this.message, {
      cause: this.cause,
      partial,
      retryAfter: this.retryAfter,
      upstreamRequestId: this.upstreamRequestId,
    });
    copy.name = this.name;
    return copy;
  }
}

/** The request is wrong: the caller can fix it. */
export class RequestError extends AgentError {
  constructor(
    code: 'invalid_request' | 'payload_too_large' | 'unauthorized' | 'not_found' | 'method_not_allowed' | 'conflict',
    message: string,
    options: Pick<AgentErrorOptions, 'retryAfter'> = {},
  ) {
    super(code, message, options);
    this.name = 'RequestError';
  }
}

export class InvalidRequestError extends RequestError {
  constructor(message: string) {
    super('invalid_request', message);
    this.name = 'InvalidRequestError';
  }
}

/** The request collides with another one in flight (the same session). */
export class ConflictError extends RequestError {
  /** @param retryAfterSeconds when the other request should have finished: sent as `retry-after`. */
  constructor(message: string, retryAfterSeconds?: number) {
    super('conflict', message, retryAfterSeconds === undefined ? {} : { retryAfter: String(retryAfterSeconds) });
    this.name = 'ConflictError';
  }
}

/** The session a request names is held by another request: a reason to retry later (a job waits for it, then retries). */
export class SessionBusyError extends ConflictError {
  constructor(message: string) {
    super(message);
    this.name = 'SessionBusyError';
  }
}

/** The function's own configuration is wrong: a deploy problem. `setting` names the variable, never its value. */
export class ConfigError extends AgentError {
  constructor(
    message: string,
    readonly setting: string,
  ) {
    super('misconfigured', message);
    this.name = 'ConfigError';
  }
}

/** The model provider, or the credentials to reach it, failed. */
export class ProviderError extends AgentError {
  constructor(code: ProviderErrorCode, message: string, options: AgentErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ProviderError';
  }
}

/** The request's deadline left no room for the next step. */
export class DeadlineError extends AgentError {
  constructor(message: string, options: AgentErrorOptions = {}) {
    super('deadline_exceeded', message, options);
    this.name = 'DeadlineError';
  }
}

/** A daily budget is spent: `retryAfter` is the seconds until the next UTC midnight. */
export class BudgetExceededError extends AgentError {
  constructor(message: string, retryAfterSeconds: number) {
    super('budget_exceeded', message, { retryAfter: String(retryAfterSeconds) });
    this.name = 'BudgetExceededError';
  }
}

/** The state table could not be read or written: the request is refused rather than served unmetered. */
export class StateUnavailableError extends AgentError {
  constructor(message: string, options: AgentErrorOptions = {}) {
    super('state_unavailable', message, options);
    this.name = 'StateUnavailableError';
  }
}

/** The sign-in issuer's discovery document or keys could not be fetched: no token can be checked, so none is admitted. */
export class IssuerUnavailableError extends AgentError {
  constructor(message: string, options: AgentErrorOptions = {}) {
    super('issuer_unavailable', message, options);
    this.name = 'IssuerUnavailableError';
  }
}

/** A running job was cancelled (DELETE /jobs/{id}): it stops before its next model call or tool run. */
export class JobCancelledError extends AgentError {
  constructor(message: string, options: AgentErrorOptions = {}) {
    super('job_cancelled', message, options);
    this.name = 'JobCancelledError';
  }
}
