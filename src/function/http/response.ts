/**
 * Function URL responses: JSON bodies, the `x-request-id` header on every
 * one, and the contract's error responses.
 */
import { errorBody, type HttpFailure } from './error-response';

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** The headers of a response without a body: no content type. */
export function emptyHeaders(requestId: string): Record<string, string> {
  return { 'x-request-id': requestId, 'cache-control': 'no-store' };
}

export function baseHeaders(requestId: string, contentType = 'application/json'): Record<string, string> {
  return { 'content-type': contentType, ...emptyHeaders(requestId) };
}

export function jsonResponse(statusCode: number, body: unknown, requestId: string, extraHeaders: Record<string, string> = {}): FunctionUrlResult {
  return { statusCode, headers: { ...baseHeaders(requestId), ...extraHeaders }, body: JSON.stringify(body) };
}

/** A response without a body (204). */
export function emptyResponse(statusCode: number, requestId: string): FunctionUrlResult {
  return { statusCode, headers: emptyHeaders(requestId), body: '' };
}

export function errorResponse(failure: HttpFailure, requestId: string): FunctionUrlResult {
  return jsonResponse(failure.status, errorBody(failure, requestId), requestId, { ...failure.headers });
}
