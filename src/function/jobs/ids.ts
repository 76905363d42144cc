/**
 * Job ids: 32 lower-case hex characters. A job submitted with an
 * Idempotency-Key gets an id derived from the caller and the key, so the
 * same key from the same caller names the same job; a scheduled job gets one
 * derived from its SQS message, so a redelivered message names the same job.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidRequestError } from '../errors';
import { ANONYMOUS_CALLER } from '../auth/verify-request';
import { ANONYMOUS_SESSION_ID_MIN } from '../http/agent-request';

const JOB_ID = /^[0-9a-f]{32}$/;
/** An Idempotency-Key: 8 to 255 visible ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,255}$/;

const derived = (...parts: string[]) => createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex').slice(0, 32);

export const newJobId = (): string => randomBytes(16).toString('hex');
export const idempotentJobId = (caller: string, key: string): string => derived('idempotency', caller, key);
export const scheduledJobId = (schedule: string, messageId: string): string => derived('schedule', schedule, messageId);

/** A valid job id, or a 400 saying what one looks like. */
export function validJobId(value: string): string {
  if (!JOB_ID.test(value)) throw new InvalidRequestError('A job id is the 32 hex characters POST /jobs returned as `job_id`.');
  return value;
}

/**
 * The `Idempotency-Key` header, when sent: 8 to 255 visible ASCII
 * characters. Without authentication every caller shares one key space, so
 * the key must then be long enough not to be guessed (as session ids).
 */
export function idempotencyKeyOf(value: string | undefined, caller: string): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new InvalidRequestError('An Idempotency-Key is 8 to 255 visible ASCII characters (no spaces), e.g. a UUID.');
  }
  if (caller === ANONYMOUS_CALLER && value.length < ANONYMOUS_SESSION_ID_MIN) {
    throw new InvalidRequestError(
      `This agent serves callers without authentication, so an Idempotency-Key is shared by every caller: use at least ${ANONYMOUS_SESSION_ID_MIN} random characters, e.g. a UUID.`,
    );
  }
  return value;
}
