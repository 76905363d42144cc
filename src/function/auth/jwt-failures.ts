/**
 * What a caller is told when its token is refused: what was wrong (expired,
 * wrong audience, unknown key), by jose's error classes, never the token.
 * A failure to reach the issuer's keys is the issuer's, not the caller's.
 */
import { IssuerUnavailableError, RequestError } from '../errors';
import type * as JoseSubset from './jose.mjs' with { 'resolution-mode': 'import' };
import { printable } from '../text';

/** The part of jose the verifier uses, loaded on first use. */
export type Jose = typeof JoseSubset;

export function unauthorized(message: string): RequestError {
  return new RequestError('unauthorized', message);
}

/** `error` from jwtVerify as the 401 to answer, or the issuer's unavailability. */
export function jwtFailure(jose: Jose, error: unknown, token: string, algorithms: readonly string[]): Error {
  const { errors } = jose;
  if (error instanceof errors.JWTExpired) return unauthorized(`The token expired at ${timeOf(error.payload.exp)}.`);
  if (error instanceof errors.JWTClaimValidationFailed) return unauthorized(claimFailure(error));
  if (error instanceof errors.JOSEAlgNotAllowed)
    return unauthorized(`The token is signed with ${algorithmOf(jose, token)}; this agent accepts only asymmetric signatures (${algorithms.join(', ')}).`);
  if (error instanceof errors.JWKSNoMatchingKey) return unauthorized("The token's key (kid) is not one of the issuer's published keys.");
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return unauthorized('The token names no key (kid), and several of the issuer’s keys could have signed it.');
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthorized("The token's signature does not verify against the issuer's key.");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported)
    return unauthorized('The bearer token is not a well-formed JWT (a signed header, payload and signature, base64url-encoded and joined by dots).');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof errors.JOSEError || error instanceof TypeError)
    return new IssuerUnavailableError("The sign-in issuer's keys could not be fetched, so no token can be checked.", { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function claimFailure(error: InstanceType<Jose['errors']['JWTClaimValidationFailed']>): string {
  const { claim, reason, payload } = error;
  if (reason === 'missing' && claim === 'exp') return 'The token has no exp claim: this agent accepts only tokens that expire.';
  if (reason === 'missing' && claim === 'sub') return 'The token has no sub claim, which names the caller.';
  if (claim === 'nbf' && reason === 'check_failed') return `The token is not valid before ${timeOf(payload.nbf)}.`;
  if (claim === 'iss') return 'The token comes from another issuer: its iss is not the issuer this agent trusts.';
  return `The token's ${printable(claim, 32)} claim is ${reason === 'missing' ? 'missing' : 'not valid'}.`;
}

/** A NumericDate as ISO 8601, or "an unreadable time". */
function timeOf(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : 'an unreadable time';
}

/** The token's `alg`, as far as it can be read and printed safely. */
function algorithmOf(jose: Jose, token: string): string {
  try {
    const { alg } = jose.decodeProtectedHeader(token);
    return typeof alg === 'string' ? `"${printable(alg, 16)}"` : 'no algorithm';
  } catch {
    return 'an unreadable algorithm';
  }
}
