/**
 * Function URL responses: JSON bodies, the `x-request-id` header on every
 * one, and the contract's error shape built from an HttpError.
 */
import type { HttpError } from '../errors';

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export function baseHeaders(requestId: string, contentType = 'application/json'): Record<string, string> {
  return { 'content-type': contentType, 'x-request-id': requestId, 'cache-control': 'no-store' };
}

export function jsonResponse(statusCode: number, body: unknown, requestId: string, extraHeaders: Record<string, string> = {}): FunctionUrlResult {
  return { statusCode, headers: { ...baseHeaders(requestId), ...extraHeaders }, body: JSON.stringify(body) };
}

/** `{"error":{"type","message","request_id"}}`, plus `partial` when the agent had produced something. */
export function errorBody(error: HttpError, requestId: string): Record<string, unknown> {
  const body: Record<string, unknown> = { error: { type: error.type, message: error.message, request_id: requestId } };
  if (error.partial !== undefined) body.partial = error.partial;
  return body;
}

export function errorResponse(error: HttpError, requestId: string): FunctionUrlResult {
  return jsonResponse(error.status, errorBody(error, requestId), requestId, { ...error.headers });
}
