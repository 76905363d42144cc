/**
 * Where an OpenID Connect issuer publishes its keys: the `jwks_uri` of its
 * discovery document (`<issuer>/.well-known/openid-configuration`), checked
 * as OpenID Connect Discovery 1.0 requires: the document names the same
 * issuer, and the keys are served over https (plain http only for a local
 * issuer on the loopback address, in tests and `npm run dev`).
 */
import { ConfigError, IssuerUnavailableError } from '../errors';

/** Longest the discovery document may take. @unit ms */
export const DISCOVERY_TIMEOUT_MS = 5000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The issuer's discovery document URL: the issuer with `/.well-known/openid-configuration` appended. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** The URL of the issuer's keys; IssuerUnavailableError when the document cannot be had, ConfigError when it names another issuer. */
export async function discoverJwksUri(issuer: string, local: boolean): Promise<URL> {
  const url = discoveryUrl(issuer);
  let document: unknown;
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (cause) {
    throw new IssuerUnavailableError(`The sign-in issuer's discovery document (${url}) could not be read, so no token can be checked.`, { cause });
  }
  const { issuer: named, jwks_uri: jwksUri } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (named !== issuer) {
    throw new ConfigError(
      `AUTH_JWT_ISSUER is "${issuer}", but its discovery document names the issuer ${JSON.stringify(named)}: set jwt_issuer exactly as the issuer spells itself (mind a trailing slash).`,
      'AUTH_JWT_ISSUER',
    );
  }
  let keys: URL | undefined;
  try {
    keys = typeof jwksUri === 'string' ? new URL(jwksUri) : undefined;
  } catch {
    keys = undefined;
  }
  const allowed = keys?.protocol === 'https:' || (local && keys?.protocol === 'http:' && LOOPBACK_HOSTS.has(keys.hostname));
  if (!keys || !allowed) {
    throw new IssuerUnavailableError(`The sign-in issuer's discovery document (${url}) has no https jwks_uri, so its keys cannot be fetched safely.`);
  }
  return keys;
}
