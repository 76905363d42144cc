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
import type { DecodedRequest } from './event';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

export function verifyRequest(mode: AuthMode, request: Pick<DecodedRequest, 'headers' | 'iamAuthorized'>): void {
  // Lambda answers unsigned AWS_IAM calls itself; an event without the IAM authorizer did not come through the URL.
  if (mode.kind === 'iam' && !request.iamAuthorized) throw unauthorized('This function URL requires AWS_IAM (SigV4-signed) requests.');
  if (mode.kind !== 'token') return;
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match) throw unauthorized('Send `Authorization: Bearer <token>`.');
  const presented = createHash('sha256').update(match[1], 'utf8').digest();
  // Compare against every digest, without stopping early.
  let matched = false;
  for (const digest of mode.digests) matched = timingSafeEqual(presented, digest) || matched;
  if (!matched) throw unauthorized('The bearer token is not valid.');
}

function unauthorized(message: string): RequestError {
  return new RequestError('unauthorized', message);
}
