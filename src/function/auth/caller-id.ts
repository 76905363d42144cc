/**
 * Caller ids are keys: sessions, budgets, jobs and Idempotency-Keys hang off
 * them, so two different people must never get the same one. An id is the
 * caller's name exactly as the signature or the token gave it (never cut,
 * never made printable); a name too long for a DynamoDB key gets a digest
 * under a prefix no exact id can have.
 */
import { createHash } from 'node:crypto';
import { unauthorized } from './jwt-failures';

/**
 * Longest exact caller id, in UTF-8 bytes: the state table's partition key
 * (`CALLER#<id>`) may take 2048, and the id is also hashed into job ids and
 * written to logs, so longer names are digested instead.
 */
export const MAX_EXACT_CALLER_ID_BYTES = 1024;

/** A lone UTF-16 surrogate: it has no UTF-8 form, so two different names would be stored alike (as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * `<kind>:<name>` when it fits, else `<kind>-sha256:<hex digest of name>`.
 * Injective: the two forms differ in their prefix, and the digest is of the
 * name itself. `kind` is ours (`iam`, or `jwt` with its issuer); `name` is the
 * caller-supplied part.
 */
export function exactCallerId(kind: 'iam' | 'jwt', prefix: string, name: string): string {
  const exact = `${kind}:${prefix}${name}`;
  if (Buffer.byteLength(exact, 'utf8') <= MAX_EXACT_CALLER_ID_BYTES) return exact;
  return `${kind}-sha256:${createHash('sha256').update(`${prefix}${name}`, 'utf8').digest('hex')}`;
}

/**
 * The caller id of a verified sign-in token: `jwt:<iss>#<sub>`. The subject
 * must be a non-empty string of well-formed Unicode (a number, an object or
 * `""` names nobody), or the token is refused with a 401.
 */
export function jwtCallerId(issuer: string, subject: unknown): string {
  if (typeof subject !== 'string') throw unauthorized(`The token's sub claim is ${kindOf(subject)}; it must be a string that names the caller.`);
  if (subject === '') throw unauthorized("The token's sub claim is empty; it must name the caller.");
  if (LONE_SURROGATE.test(subject)) throw unauthorized("The token's sub claim is not well-formed Unicode (it has a lone surrogate).");
  return exactCallerId('jwt', `${issuer}#`, subject);
}

/** Hex characters of a token's digest that name its caller: the configuration refuses two digests that share them (config.ts). */
export const TOKEN_ID_CHARS = 12;

/** The caller id of a static bearer token: `token:<first TOKEN_ID_CHARS hex of its configured digest>`. */
export const tokenCallerId = (digest: Buffer): string => `token:${digest.toString('hex').slice(0, TOKEN_ID_CHARS)}`;

/** The caller id of a SigV4-signed request: `iam:<the signed caller's ARN>`, or a 401 when the event names nobody. */
export function iamCallerId(arn: string | undefined): string {
  if (arn === undefined || arn === '')
    throw unauthorized('The AWS_IAM request names no caller (requestContext.authorizer.iam has no userArn, callerId or accountId).');
  if (LONE_SURROGATE.test(arn)) throw unauthorized('The AWS_IAM caller name is not well-formed Unicode.');
  return exactCallerId('iam', '', arn);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
