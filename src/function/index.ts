/**
 * Lambda entry module. Placeholder until the agent runtime lands: answers
 * `GET /health` so the build, the zip and the stack have a real handler.
 */
import { VERSION } from './version';

interface FunctionUrlEvent {
  readonly rawPath?: string;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

export async function handler(event: FunctionUrlEvent): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const ok = method === 'GET' && event.rawPath === '/health';
  return {
    statusCode: ok ? 200 : 404,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ok ? { status: 'ok', version: VERSION } : { error: { type: 'not_found', message: 'Not found' } }),
  };
}
