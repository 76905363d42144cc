/**
 * Who may call. AWS_IAM URLs: Lambda has checked the SigV4 signature, and the
 * event must say so. NONE URLs with bearer tokens: a static token is hashed
 * and compared with every configured digest in constant time, so neither
 * the tokens nor the comparison leak through the environment, the state or
 * timing; a JWT is verified against its issuer's keys (jwt-verifier). Either
 * admits the caller.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthMode, JwtConfig } from '../config';
import type { DecodedRequest } from '../http/event';
import { iamCallerId, tokenCallerId } from './caller-id';
import { unauthorized } from './jwt-failures';
import type { JwtVerifier } from './jwt-verifier';

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;
/** A compact JWS: three base64url parts joined by dots. */
const JWT_SHAPE = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
/** Query parameters that carry tokens in other APIs: refused, since URLs end up in logs and browser history. */
const QUERY_TOKEN = /(?:^|&)(?:access_token|id_token|token|jwt)=/i;

/** The caller id of every request when the URL serves callers without authentication. */
export const ANONYMOUS_CALLER = 'anonymous';

export type AuthenticatedRequest = Pick<DecodedRequest, 'headers' | 'iamAuthorized' | 'iamCaller' | 'query'>;

/**
 * Authenticates the request and returns the caller id, stable across
 * requests and exact (see caller-id): `iam:<signed caller ARN>`,
 * `token:<first 12 hex of the matching digest>` (the digest, never the token;
 * the configuration refuses two digests that share them), `jwt:<iss>#<sub>`,
 * or `anonymous`. Sessions, jobs, budgets and the log line use it.
 */
export async function verifyRequest(mode: AuthMode, request: AuthenticatedRequest, signal?: AbortSignal): Promise<string> {
  // Lambda answers unsigned AWS_IAM calls itself; an event without the IAM authorizer did not come through the URL.
  if (mode.kind === 'iam') {
    if (!request.iamAuthorized) throw unauthorized('This function URL requires AWS_IAM (SigV4-signed) requests.');
    return iamCallerId(request.iamCaller);
  }
  if (mode.kind === 'open') return ANONYMOUS_CALLER;
  if (QUERY_TOKEN.test(request.query)) {
    throw unauthorized(
      'Send the token in the `Authorization: Bearer` header: a token in the query string ends up in logs and browser history, so it is refused.',
    );
  }
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match) throw unauthorized('Send `Authorization: Bearer <token>`.');
  const token = match[1];
  const digest = matchingDigest(mode.digests, token);
  if (digest) return tokenCallerId(digest);
  // A static token is anything; a JWT has its shape. With both configured, a token of neither kind is simply not valid.
  if (mode.jwt && (mode.digests.length === 0 || JWT_SHAPE.test(token))) return (await jwtVerifier(mode.jwt)).verify(token, signal);
  throw unauthorized('The bearer token is not valid.');
}

/** The configured digest the token hashes to, compared against every digest without stopping early. */
function matchingDigest(digests: readonly Buffer[], token: string): Buffer | undefined {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let matched: Buffer | undefined;
  for (const digest of digests) if (timingSafeEqual(presented, digest)) matched = digest;
  return matched;
}

let verifier: { config: JwtConfig; instance: Promise<JwtVerifier> } | undefined;

/** At init (prefetch): the verifier of `mode`, loaded with its issuer's keys; nothing when the mode takes no JWTs. */
export async function warmJwtVerifier(mode: AuthMode, signal: AbortSignal): Promise<void> {
  if (mode.kind === 'token' && mode.jwt) await (await jwtVerifier(mode.jwt)).warm(signal);
}

/** One verifier per execution environment (it caches the issuer's keys), loaded on first use. */
function jwtVerifier(config: JwtConfig): Promise<JwtVerifier> {
  if (verifier?.config !== config) verifier = { config, instance: import('./jwt-verifier.js').then((m) => m.createJwtVerifier(config)) };
  return verifier.instance;
}
