/**
 * The logger both model SDKs get. The SDKs log with a fixed message first
 * and the data after it (for a reply they cannot parse: the raw chunk, which
 * is model output or an upstream page). Only the fixed message is kept, as a
 * JSON log line, so upstream content never reaches the logs; the request's
 * log line already carries the failure.
 */
import { writeLogLine } from '../logging';
import { LINE_DIMENSION_SETS } from '../metrics/definitions';
import { bounded } from '../text';

/** Longest SDK message kept. @unit characters */
const MAX_MESSAGE_CHARS = 200;

type Level = 'error' | 'warn' | 'info' | 'debug';

function line(level: Level) {
  return (message: unknown): void => {
    const text = typeof message === 'string' ? bounded(message, MAX_MESSAGE_CHARS) : '(non-text message)';
    writeLogLine(level === 'error' ? 'ERROR' : 'WARN', 'model sdk', { sdk_message: text }, [
      { dimensionSets: LINE_DIMENSION_SETS, values: { ModelSdkWarnings: 1 } },
    ]);
  };
}

const noop = (): void => undefined;

/** Errors and warnings as data-free JSON lines; info and debug dropped. */
export const SDK_LOGGER = { error: line('error'), warn: line('warn'), info: noop, debug: noop };
