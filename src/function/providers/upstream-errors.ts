/**
 * Maps what the SDKs throw to the HTTP contract. The caller learns the kind
 * of failure and the upstream status, never the upstream body.
 */
import Anthropic from '@anthropic-ai/sdk';
import { HttpError } from '../errors';

export function toHttpError(error: unknown, deadlineHit: boolean): HttpError {
  if (error instanceof HttpError) return error;
  if (deadlineHit) return new HttpError('timeout', 'The request ran out of time before the model answered.', { cause: error });
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new HttpError('timeout', 'The model provider did not answer in time.', { cause: error });
  if (error instanceof Anthropic.APIUserAbortError) return new HttpError('timeout', 'The model call was cut off at the request deadline.', { cause: error });
  if (error instanceof Anthropic.APIConnectionError) return new HttpError('upstream_error', 'Cannot reach the model provider.', { cause: error });
  if (error instanceof Anthropic.APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const type = typeof error.type === 'string' ? error.type : (error.error as { error?: { type?: string } } | undefined)?.error?.type;
    const retryAfter = error.headers?.get?.('retry-after') ?? undefined;
    if (status === 429 || type === 'rate_limit_error' || type === 'ThrottlingException') {
      return new HttpError('rate_limited', 'The model provider is rate-limiting requests. Retry later.', { cause: error, headers: retryAfter ? { 'retry-after': retryAfter } : {} });
    }
    if (status === 529 || type === 'overloaded_error' || status === 503 || type === 'ServiceUnavailableException') {
      return new HttpError('overloaded', 'The model provider is overloaded. Retry later.', { cause: error });
    }
    if (status === 408 || status === 504) return new HttpError('timeout', 'The model provider timed out.', { cause: error });
    if (status === 401 || status === 403) return new HttpError('upstream_error', `The model provider rejected the function's credentials (HTTP ${status}).`, { cause: error });
    return new HttpError('upstream_error', `The model provider returned an error (${status !== undefined ? `HTTP ${status}` : type ?? 'stream error'}).`, { cause: error });
  }
  return new HttpError('internal_error', 'The agent failed unexpectedly.', { cause: error });
}

export function isAuthError(error: unknown): boolean {
  return error instanceof Anthropic.AuthenticationError;
}
