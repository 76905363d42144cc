/**
 * One structured JSON log line per request, written straight to stdout so
 * CloudWatch Logs Insights sees its fields. Prompt and output text appear
 * only when LOG_CONTENT=true.
 */
import type { Usage } from './agent/usage';
import type { ErrorReport } from './error-report';

export interface RequestLog {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Who asked: `iam:<user ARN>`, `token:<id of the matching digest>` or `anonymous` (see http/auth). */
  readonly caller?: string;
  readonly outcome: 'ok' | 'error';
  readonly error_type?: string;
  /** The error's stable code (finer than its type), e.g. `provider_rate_limited`. */
  readonly error_code?: string;
  /** The message the caller got (safe to show); for a misconfiguration, which setting to fix. */
  readonly error_message?: string;
  /** 5xx only: the failure behind it, with its causes and stack frames. */
  readonly error?: ErrorReport;
  /** 5xx only: the model provider's or AWS service's id for the failed call. */
  readonly upstream_request_id?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly iterations?: number;
  readonly tool_calls?: number;
  readonly tool_errors?: number;
  readonly usage?: Usage;
  readonly cost_usd?: number | null;
  readonly duration_ms: number;
  readonly stop_reason?: string;
  /** The session the request continued (sessions on). */
  readonly session_id?: string;
  /** Whether the exchange was appended to the session, and if not, why. */
  readonly session_updated?: boolean;
  readonly session_not_updated?: string;
  readonly streaming: boolean;
  readonly input?: string;
  readonly output?: string;
}

export function logRequest(entry: RequestLog): void {
  const { usage, ...rest } = entry;
  process.stdout.write(
    `${JSON.stringify({ level: entry.outcome === 'ok' ? 'INFO' : 'WARN', message: 'request', timestamp: new Date().toISOString(), ...rest, ...(usage ?? {}) })}\n`,
  );
}
