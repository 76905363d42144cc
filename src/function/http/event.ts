/**
 * Function URL (payload format 2.0) events as Lambda delivers them, and their
 * decoding into a plain request. Nothing here trusts the event's shape: a
 * malformed event becomes a 400, never an exception.
 */
import { randomUUID } from 'node:crypto';

export interface FunctionUrlEvent {
  readonly version?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  readonly cookies?: readonly string[] | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly requestContext?: {
    readonly requestId?: string;
    readonly http?: { readonly method?: string; readonly path?: string; readonly protocol?: string; readonly sourceIp?: string; readonly userAgent?: string };
    readonly [key: string]: unknown;
  } | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

/** The part of Lambda's context object the handler uses. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  getRemainingTimeInMillis(): number;
}

export interface DecodedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** Lower-cased names, as Function URLs deliver them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw query string, without `?` (empty when none). */
  readonly query: string;
  /** Raw body bytes, base64-decoded when the event says so. */
  readonly body: Buffer;
  /** The event carries `requestContext.authorizer.iam`: Lambda checked the caller's SigV4 signature (AWS_IAM URLs). */
  readonly iamAuthorized: boolean;
  /** The signed caller's ARN (or, failing that, its caller id) from that authorizer. */
  readonly iamCaller?: string;
  /** Set when the event itself could not be read; the router answers 400 with it. */
  readonly malformed?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeEvent(event: unknown, context: Partial<LambdaContext> | undefined): DecodedRequest {
  const e = (isObject(event) ? event : {}) as FunctionUrlEvent;
  const http = isObject(e.requestContext) && isObject(e.requestContext.http) ? e.requestContext.http : undefined;
  const requestId = firstString(isObject(e.requestContext) ? e.requestContext.requestId : undefined, context?.awsRequestId) ?? randomUUID();
  const method = (typeof http?.method === 'string' ? http.method : '').toUpperCase();
  const path = firstString(e.rawPath, http?.path) ?? '';
  const headers: Record<string, string> = {};
  if (isObject(e.headers)) {
    for (const [name, value] of Object.entries(e.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const authorizer = isObject(e.requestContext) && isObject(e.requestContext.authorizer) ? e.requestContext.authorizer : undefined;
  const iam = isObject(authorizer?.iam) ? authorizer.iam : undefined;
  const iamCaller = firstString(iam?.userArn, iam?.callerId, iam?.accountId);
  const query = typeof e.rawQueryString === 'string' ? e.rawQueryString : '';
  const base = { requestId, method, path, query, headers, iamAuthorized: iam !== undefined, ...(iamCaller ? { iamCaller } : {}) };
  if (!isObject(event)) return { ...base, body: Buffer.alloc(0), malformed: 'The event is not a Function URL request.' };
  if (!method || !path) return { ...base, body: Buffer.alloc(0), malformed: 'The event has no requestContext.http.method or rawPath.' };
  if (e.body === undefined || e.body === null) return { ...base, body: Buffer.alloc(0) };
  if (typeof e.body !== 'string') return { ...base, body: Buffer.alloc(0), malformed: 'The event body is not a string.' };
  if (e.isBase64Encoded === true) {
    const compact = e.body.replace(/\s+/g, '');
    if (compact.length % 4 === 1 || !BASE64.test(compact))
      return { ...base, body: Buffer.alloc(0), malformed: 'The body is marked base64 but is not valid base64.' };
    return { ...base, body: Buffer.from(compact, 'base64') };
  }
  return { ...base, body: Buffer.from(e.body, 'utf8') };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.length > 0);
}
