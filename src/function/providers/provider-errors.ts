/**
 * What a failed model call means, from the SDK's error classes (never from
 * message text): each becomes a ProviderError or DeadlineError with a stable
 * code, the provider's request id and its `retry-after`. The caller learns
 * the kind of failure and the upstream status, never the upstream body.
 * Bedrock's errors arrive through the same classes (the Bedrock SDK extends
 * Anthropic's); its error type names (ThrottlingException, …) are read from
 * the error object the SDK parsed.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
} from '@anthropic-ai/sdk/core/error';
import { AgentError, DeadlineError, ProviderError } from '../errors';

/** `deadlineHit`: the request's own deadline had passed when the call failed. */
export function toProviderError(error: unknown, deadlineHit: boolean): AgentError {
  if (error instanceof AgentError) return error;
  if (deadlineHit) return new DeadlineError('The request ran out of time before the model answered.', { cause: error });
  const requestId = error instanceof APIError && typeof error.requestID === 'string' ? { upstreamRequestId: error.requestID } : {};
  if (error instanceof APIConnectionTimeoutError) return new ProviderError('provider_timeout', 'The model provider did not answer in time.', { cause: error });
  if (error instanceof APIUserAbortError) return new DeadlineError('The model call was cut off at the request deadline.', { cause: error });
  if (error instanceof APIConnectionError) return new ProviderError('provider_failed', 'Cannot reach the model provider.', { cause: error });
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const body = error.error as { type?: unknown; error?: { type?: unknown } } | undefined;
    const errorType = [body?.error?.type, body?.type].find((t): t is string => typeof t === 'string');
    const retryAfter = (error.headers as Headers | undefined)?.get('retry-after') ?? undefined;
    const options = { cause: error, ...requestId };
    if (error instanceof RateLimitError || errorType === 'rate_limit_error' || errorType === 'ThrottlingException') {
      return new ProviderError('provider_rate_limited', 'The model provider is rate-limiting requests. Retry later.', {
        ...options,
        ...(retryAfter ? { retryAfter } : {}),
      });
    }
    if (status === 529 || status === 503 || errorType === 'overloaded_error' || errorType === 'ServiceUnavailableException') {
      return new ProviderError('provider_overloaded', 'The model provider is overloaded. Retry later.', options);
    }
    if (error instanceof RequestTimeoutError || status === 504) return new ProviderError('provider_timeout', 'The model provider timed out.', options);
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      return new ProviderError('provider_rejected_credentials', `The model provider rejected the function's credentials (HTTP ${status}).`, options);
    }
    return new ProviderError(
      'provider_failed',
      `The model provider returned an error (${status !== undefined ? `HTTP ${status}` : (errorType ?? 'stream error')}).`,
      options,
    );
  }
  // Whatever else the call threw (a reply that is not what the API promises, a broken stream): the provider failed.
  return new ProviderError('provider_failed', 'The model provider sent a reply the agent could not read.', { cause: error });
}

export function isAuthError(error: unknown): boolean {
  return error instanceof AuthenticationError;
}
