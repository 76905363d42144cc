/**
 * Turns a local HTTP request into the payload-v2 event a Function URL
 * delivers: lower-case headers, repeated headers joined by commas, the Cookie
 * header moved to `cookies`, raw path and query, parsed query parameters, and
 * base64 for bodies that are not text.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FunctionUrlEvent } from '../function/http/event';
import { LOCAL_ACCOUNT_ID } from './lambda/execution-environment';

/** Content types delivered as text; anything else arrives base64-encoded, as Lambda does. */
const TEXT_TYPES = [/^text\//, /^application\/(json|xml|javascript|x-www-form-urlencoded)\b/, /\+(json|xml)\b/];

/**
 * The `requestContext.authorizer.iam` Lambda adds once it has checked an
 * AWS_IAM request's SigV4 signature. The dev server does not check
 * signatures: it marks every request as signed by the local account.
 */
const LOCAL_IAM_AUTHORIZER = {
  iam: {
    accessKey: 'LOCAL',
    accountId: LOCAL_ACCOUNT_ID,
    callerId: 'local-dev',
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-dev`,
    userId: 'local-dev',
  },
};

/** `authType` is the URL's: AWS_IAM events carry the IAM authorizer, NONE events none. */
export function toFunctionUrlEvent(req: IncomingMessage, body: Buffer, authType: 'AWS_IAM' | 'NONE' = 'NONE'): FunctionUrlEvent & Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/).filter((c) => c.length > 0) : undefined;
  delete headers.cookie;

  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt >= 0 ? url.slice(0, queryAt) : url;
  const rawQueryString = queryAt >= 0 ? url.slice(queryAt + 1) : '';
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) query[key] = key in query ? `${query[key]},${value}` : value;

  const now = new Date();
  const domainName = headers.host ?? 'localhost';
  const method = (req.method ?? 'GET').toUpperCase();
  const requestId = randomUUID();
  const event: FunctionUrlEvent & Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: authType === 'AWS_IAM' ? LOCAL_ACCOUNT_ID : 'anonymous',
      ...(authType === 'AWS_IAM' ? { authorizer: LOCAL_IAM_AUTHORIZER } : {}),
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (body.length > 0) {
    const text = isText(headers['content-type']) ? decodeUtf8(body) : undefined;
    return text === undefined ? { ...event, body: body.toString('base64'), isBase64Encoded: true } : { ...event, body: text };
  }
  return event;
}

function isText(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_TYPES.some((pattern) => pattern.test(contentType.toLowerCase()));
}

function decodeUtf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** `22/Nov/2026:05:00:00 +0000`, the format of requestContext.time. */
function formatTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
