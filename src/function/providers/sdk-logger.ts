/**
 * The logger both model SDKs get. The SDKs log with a fixed message first
 * and the data after it (for a reply they cannot parse: the raw chunk, which
 * is model output or an upstream page). Only the fixed message is kept, as a
 * JSON log line, so upstream content never reaches the logs; the request's
 * log line already carries the failure.
 */
import { bounded } from '../text';

/** Longest SDK message kept. @unit characters */
const MAX_MESSAGE_CHARS = 200;

type Level = 'error' | 'warn' | 'info' | 'debug';

function line(level: Level) {
  return (message: unknown): void => {
    const text = typeof message === 'string' ? bounded(message, MAX_MESSAGE_CHARS) : '(non-text message)';
    process.stdout.write(
      `${JSON.stringify({ level: level === 'error' ? 'ERROR' : 'WARN', message: 'model sdk', sdk_message: text, timestamp: new Date().toISOString() })}\n`,
    );
  };
}

const noop = (): void => undefined;

/** Errors and warnings as data-free JSON lines; info and debug dropped. */
export const SDK_LOGGER = { error: line('error'), warn: line('warn'), info: noop, debug: noop };
