/**
 * When a failed model call is tried again, and after how long: the Messages
 * API's own rules (`x-should-retry`, then 408, 409, 429 and 5xx, and lost
 * connections), its `retry-after-ms` / `retry-after` (seconds or an HTTP
 * date), else exponential backoff with jitter, as the SDK does. The agent
 * loop retries only when the wait and a useful call both fit before the
 * deadline; otherwise it answers at once, passing `retry-after` on.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';

/** Calls per model turn, the first included. */
export const MAX_MODEL_ATTEMPTS = 3;
/** Backoff without a retry-after: 0.5 s, 1 s, … up to 8 s, less up to 25 % jitter. @unit ms */
const INITIAL_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/**
 * How long to wait before attempt `attempt + 1`, or undefined when the
 * failure is not worth retrying or `attempt` calls have been made.
 * @param attempt calls made so far (1 after the first)
 */
export function retryDelayMs(error: unknown, attempt: number, now: number = Date.now(), random: () => number = Math.random): number | undefined {
  if (attempt >= MAX_MODEL_ATTEMPTS || !isRetryable(error)) return undefined;
  const asked = error instanceof APIError ? askedDelayMs(error.headers as Headers | undefined, now) : undefined;
  if (asked !== undefined) return asked;
  const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return Math.round(backoff * (1 - random() * 0.25));
}

function isRetryable(error: unknown): boolean {
  if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError) return false;
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError)) return false;
  const should = (error.headers as Headers | undefined)?.get('x-should-retry');
  if (should === 'true') return true;
  if (should === 'false') return false;
  const status: unknown = error.status;
  return status === 408 || status === 409 || status === 429 || (typeof status === 'number' && status >= 500);
}

/** The wait the upstream asked for, from `retry-after-ms` or `retry-after`. @unit ms */
export function askedDelayMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
