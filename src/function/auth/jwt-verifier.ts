/**
 * Verifies sign-in tokens (JWTs) with jose: the signature against the
 * issuer's published keys (found once per execution environment, refetched
 * for an unknown `kid` at most once per cooldown), `iss` exactly, `exp` and
 * `nbf` within a minute of leeway, asymmetric algorithms only, then the
 * audience (or a Cognito access token's `client_id`) and the required
 * scopes. jose is loaded on first use (its own chunk), so functions without
 * JWTs never load it.
 */
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import type { JwtConfig } from '../config';
import { jwtCallerId } from './caller-id';
import { IssuerUnavailableError } from '../errors';
import { jwtFailure, unauthorized, type Jose } from './jwt-failures';
import { discoverJwksUri } from './oidc-discovery';

/** Asymmetric signatures only: never `none`, never HMAC (whose key would be the issuer's public key). */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Leeway on `exp` and `nbf` for clocks that disagree. @unit seconds */
export const CLOCK_TOLERANCE_SECONDS = 60;
/** Longest a fetch of the issuer's keys may take. @unit ms */
const KEYS_TIMEOUT_MS = 5000;

export interface JwtVerifier {
  /**
   * The caller id `jwt:<iss>#<sub>` of a valid token; RequestError 401 naming
   * what is wrong, or IssuerUnavailableError, also when `signal` (the
   * request's deadline) ends the wait for the issuer's document or keys.
   */
  verify(token: string, signal?: AbortSignal): Promise<string>;
  /** At init (prefetch): loads jose, reads the issuer's discovery document and fetches its keys, so the first token is checked at once. */
  warm(signal: AbortSignal): Promise<void>;
}

export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  let keys: Promise<ReturnType<Jose['createRemoteJWKSet']>> | undefined;
  const keySet = (jose: Jose) => {
    // Found once per execution environment; a failed discovery is tried again by the next request.
    const found = (keys ??= discoverJwksUri(config.issuer, config.local).then((url) =>
      jose.createRemoteJWKSet(url, { cooldownDuration: config.keysCooldownMs, timeoutDuration: KEYS_TIMEOUT_MS }),
    ));
    found.catch(() => {
      if (keys === found) keys = undefined;
    });
    return found;
  };
  return {
    async warm(signal) {
      const jose = await import('./jose.mjs');
      const found = keySet(jose);
      try {
        const jwks = await untilAborted(found, signal, config.issuer);
        await untilAborted(jwks.reload(), signal, config.issuer);
      } catch (error) {
        // Given up at init: the first request starts its own discovery, not behind one init abandoned.
        if (keys === found) keys = undefined;
        throw error;
      }
    },
    async verify(token, signal) {
      const jose = await import('./jose.mjs');
      // The discovery and the key fetch are shared by concurrent requests, so each request stops waiting at its own deadline instead of aborting them.
      const jwks = await untilAborted(keySet(jose), signal, config.issuer);
      let payload: JWTPayload;
      try {
        ({ payload } = await untilAborted(
          jose.jwtVerify(token, jwks, {
            issuer: config.issuer,
            algorithms: JWT_ALGORITHMS,
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
            requiredClaims: ['exp', 'sub'],
          }),
          signal,
          config.issuer,
        ));
      } catch (error) {
        if (error instanceof IssuerUnavailableError) throw error;
        throw jwtFailure(jose, error, token, JWT_ALGORITHMS);
      }
      checkAudience(payload, config.audiences);
      checkScopes(payload, config.scopes);
      return jwtCallerId(config.issuer, payload.sub);
    },
  };
}

/** `work`, or IssuerUnavailableError as soon as `signal` aborts (the work goes on for whoever else waits for it). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, issuer: string): Promise<T> {
  if (!signal) return work;
  const late = () =>
    new IssuerUnavailableError(`The sign-in issuer (${issuer}) did not answer before the request's deadline, so the token could not be checked.`);
  if (signal.aborted) throw late();
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => signal.addEventListener('abort', (onAbort = () => reject(late())), { once: true }))]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** `aud` among the audiences, or, for a Cognito access token (which has no `aud`), its `client_id`. */
function checkAudience(payload: JWTPayload, audiences: readonly string[]): void {
  const aud = [payload.aud ?? []].flat();
  const clientId = payload.token_use === 'access' && typeof payload.client_id === 'string' ? [payload.client_id] : [];
  if ([...aud, ...clientId].some((a) => audiences.includes(a))) return;
  throw unauthorized('The token was issued for another audience: neither its aud nor its client_id is one this agent accepts.');
}

/** Every required scope in `scope` (space-separated) or `scp` (a list, or space-separated). */
function checkScopes(payload: JWTPayload, required: readonly string[]): void {
  if (required.length === 0) return;
  const words = (value: unknown): string[] => (typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value.map(String) : []);
  const granted = new Set([...words(payload.scope), ...words(payload.scp)]);
  const missing = required.filter((scope) => !granted.has(scope));
  if (missing.length > 0) throw unauthorized(`The token lacks the required scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')}.`);
}
