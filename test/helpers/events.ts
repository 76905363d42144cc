/** Function URL (payload format 2.0) events from test/fixtures/events, as Lambda delivers them. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type FunctionUrlEventFixture = Record<string, unknown> & {
  headers: Record<string, string>;
  requestContext: Record<string, unknown> & { http: Record<string, unknown> };
};

export function eventFixture(name: 'post-agent' | 'get-health'): FunctionUrlEventFixture {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', `${name}.json`), 'utf8'));
}

/** A POST /agent event carrying `body` (JSON-encoded unless a string), optionally base64. */
export function agentEvent(body: unknown, options: { base64?: boolean } = {}): FunctionUrlEventFixture {
  const event = eventFixture('post-agent');
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { ...event, body: options.base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: options.base64 === true };
}

/** `event` with the method and path changed. */
export function withRoute(event: FunctionUrlEventFixture, method: string, rawPath: string): FunctionUrlEventFixture {
  return { ...event, rawPath, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path: rawPath } } };
}

/** `event` with an Authorization header. */
export function withAuthorization(event: FunctionUrlEventFixture, authorization: string): FunctionUrlEventFixture {
  return { ...event, headers: { ...event.headers, authorization } };
}

/** `event` signed by another IAM caller (AWS_IAM URLs): Lambda puts the caller's ARN in `requestContext.authorizer.iam`. */
export function asCaller(event: FunctionUrlEventFixture, userArn: string): FunctionUrlEventFixture {
  const authorizer = (event.requestContext.authorizer ?? {}) as { iam?: Record<string, unknown> };
  return { ...event, requestContext: { ...event.requestContext, authorizer: { ...authorizer, iam: { ...authorizer.iam, userArn } } } };
}
