/**
 * One structured JSON log line per request, written straight to stdout so
 * CloudWatch Logs Insights sees its fields. Prompt and output text appear
 * only when LOG_CONTENT=true.
 */
import type { Usage } from './agent/usage';

export interface RequestLog {
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: 'ok' | 'error';
  readonly error_type?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly iterations?: number;
  readonly tool_calls?: number;
  readonly tool_errors?: number;
  readonly usage?: Usage;
  readonly cost_usd?: number | null;
  readonly duration_ms: number;
  readonly stop_reason?: string;
  readonly streaming: boolean;
  readonly input?: string;
  readonly output?: string;
}

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(line);

/** Replaces where log lines go (tests capture them). Returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function logRequest(entry: RequestLog): void {
  const { usage, ...rest } = entry;
  sink(`${JSON.stringify({ level: entry.outcome === 'ok' ? 'INFO' : 'WARN', message: 'request', timestamp: new Date().toISOString(), ...rest, ...(usage ?? {}) })}\n`);
}
