/**
 * A local OpenID Connect issuer on 127.0.0.1: its discovery document
 * (`/.well-known/openid-configuration`) and key set (`/jwks.json`), with
 * signing keys generated at start (RS256 and ES256), tokens signed by jose,
 * and key rotation. The tests verify the zip's sign-in against it; the
 * function reaches it through AUTH_JWT_LOCAL_ISSUER, which no Terraform
 * variable can set (for tests and `npm run dev` only).
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import { listenOnLoopback } from '../loopback';

type Jose = typeof JoseModule;
type Algorithm = 'RS256' | 'ES256';
type SigningKey = { kid: string; alg: Algorithm; privateKey: CryptoKey; publicJwk: Record<string, unknown> };

export interface SignOptions {
  /** @default 'RS256' */
  readonly alg?: Algorithm;
  /** Sign with this published key (by kid). @default - the newest key of `alg` */
  readonly kid?: string;
  /** Seconds until `exp` (negative: already expired). @default 300 */
  readonly expiresIn?: number;
  /** Seconds until `nbf`. @default - no nbf */
  readonly notBeforeIn?: number;
}

export interface OidcIssuer {
  /** The issuer: what tokens carry as `iss`, and AUTH_JWT_LOCAL_ISSUER. */
  readonly url: string;
  /** How many times each document was fetched. */
  readonly fetches: { discovery: number; jwks: number };
  /** A signed token with `iss`, `iat`, `exp`, `jti` and `sub` set unless `claims` says otherwise (a claim set to undefined is left out). */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** A token signed by a key the issuer never published (a kid it does not know). */
  signWithUnpublishedKey(claims: JWTPayload): Promise<string>;
  /** Publishes a new key of `alg` beside the others; returns its kid. */
  addKey(alg: Algorithm): Promise<string>;
  /** Stops publishing the key `kid`. */
  removeKey(kid: string): void;
  /** The public key of `kid` as a JWK (to forge tokens with it in tests). */
  publicJwk(kid: string): Record<string, unknown>;
  /** Leaves requests for these documents unanswered (an issuer that hangs), or answers them again with `[]`. */
  stall(documents: ReadonlyArray<'discovery' | 'jwks'>): void;
  close(): Promise<void>;
}

/** Seconds a token lives unless the caller says otherwise. */
const DEFAULT_LIFETIME_SECONDS = 300;

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const jose: Jose = await import('jose');
  const keys: SigningKey[] = [];
  const fetches = { discovery: 0, jwks: 0 };
  let issuer = '';
  const newKey = async (alg: Algorithm): Promise<SigningKey> => {
    const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    return { kid, alg, privateKey, publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' } };
  };
  let stalled: ReadonlyArray<string> = [];
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      fetches.discovery += 1;
      if (stalled.includes('discovery')) return; // never answered; close() ends the connection
      return reply(200, { issuer, jwks_uri: `${issuer}/jwks.json`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    }
    if (req.url === '/jwks.json') {
      fetches.jwks += 1;
      if (stalled.includes('jwks')) return;
      return reply(200, { keys: keys.map((k) => k.publicJwk) });
    }
    reply(404, { error: 'not_found' });
  });
  keys.push(await newKey('RS256'), await newKey('ES256'));
  const listening = await listenOnLoopback(server);
  issuer = listening.url;

  const signWith = async (key: SigningKey, claims: JWTPayload, options: SignOptions = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iss: issuer,
      sub: 'user-1',
      iat: now,
      exp: now + (options.expiresIn ?? DEFAULT_LIFETIME_SECONDS),
      jti: randomUUID(),
      ...(options.notBeforeIn !== undefined ? { nbf: now + options.notBeforeIn } : {}),
      ...claims,
    };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new jose.SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  };
  const keyOf = (kid: string) => {
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`The issuer publishes no key ${kid}.`);
    return key;
  };
  return {
    url: issuer,
    fetches,
    sign: (claims, options = {}) => {
      const alg = options.alg ?? 'RS256';
      const key = options.kid ? keyOf(options.kid) : keys.filter((k) => k.alg === alg).at(-1);
      if (!key) throw new Error(`The issuer publishes no ${alg} key.`);
      return signWith(key, claims, options);
    },
    signWithUnpublishedKey: async (claims) => signWith(await newKey('RS256'), claims),
    addKey: async (alg) => {
      const key = await newKey(alg);
      keys.push(key);
      return key.kid;
    },
    removeKey: (kid) => void keys.splice(keys.indexOf(keyOf(kid)), 1),
    publicJwk: (kid) => keyOf(kid).publicJwk,
    stall: (documents) => void (stalled = documents),
    close: listening.close,
  };
}
