/**
 * Who may call. AWS_IAM URLs: Lambda has checked the SigV4 signature, and the
 * event must say so. NONE URLs with tokens: only SHA-256
 * digests of the tokens are configured; the presented token is hashed and
 * compared with every digest in constant time, so neither the tokens nor
 * the comparison leak through the environment, the state or timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthMode } from '../config';
import { RequestError } from '../errors';
import { printable } from '../text';
import type { DecodedRequest } from './event';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

/** Longest IAM caller kept in the caller id. @unit characters */
const MAX_IAM_CALLER_CHARS = 256;
/** Hex characters of a token's digest that name its caller. */
const TOKEN_ID_CHARS = 12;

/** The caller id of every request when the URL serves callers without authentication. */
export const ANONYMOUS_CALLER = 'anonymous';

/**
 * Authenticates the request and returns the caller id, stable across
 * requests: `iam:<signed caller ARN>`, `token:<first 12 hex of the matching
 * digest>` (the digest, never the token), or `anonymous`. Sessions, budgets
 * and the log line use it.
 */
export function verifyRequest(mode: AuthMode, request: Pick<DecodedRequest, 'headers' | 'iamAuthorized' | 'iamCaller'>): string {
  // Lambda answers unsigned AWS_IAM calls itself; an event without the IAM authorizer did not come through the URL.
  if (mode.kind === 'iam') {
    if (!request.iamAuthorized) throw unauthorized('This function URL requires AWS_IAM (SigV4-signed) requests.');
    return `iam:${printable(request.iamCaller ?? 'unknown', MAX_IAM_CALLER_CHARS)}`;
  }
  if (mode.kind === 'open') return ANONYMOUS_CALLER;
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match) throw unauthorized('Send `Authorization: Bearer <token>`.');
  const presented = createHash('sha256').update(match[1], 'utf8').digest();
  // Compare against every digest, without stopping early.
  let matched: Buffer | undefined;
  for (const digest of mode.digests) if (timingSafeEqual(presented, digest)) matched = digest;
  if (!matched) throw unauthorized('The bearer token is not valid.');
  return `token:${matched.toString('hex').slice(0, TOKEN_ID_CHARS)}`;
}

function unauthorized(message: string): RequestError {
  return new RequestError('unauthorized', message);
}
