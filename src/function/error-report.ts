/**
 * What a log line says about a failure, so an operator can find its cause
 * from the line alone: the error's name, message and first stack frames,
 * the upstream request id when a provider sent one, and the same for each
 * cause. Messages are truncated, anything shaped like a key is masked, and
 * the input V8 quotes in a JSON syntax error is withheld.
 */

export interface ErrorReport {
  readonly name: string;
  readonly message: string;
  /** The first frames of the stack, without the message line. */
  readonly stack: readonly string[];
  /** `request-id` of the Anthropic API, or the AWS request id of an AWS service. */
  readonly upstream_request_id?: string;
  readonly cause?: ErrorReport;
}

/** Frames kept per error. */
const STACK_FRAMES = 5;
/** Longest message kept. @unit characters */
const MAX_MESSAGE_CHARS = 500;
/** Causes followed below the error itself. */
const MAX_CAUSE_DEPTH = 3;
/** Anthropic keys, AWS secret-looking tokens and bearer values: never written to a log. */
const SECRET_SHAPES = [/sk-ant-[A-Za-z0-9_-]{4,}/g, /(Bearer\s+)[\x21-\x7e]{8,}/gi];

export function reportError(error: unknown, depth = 0): ErrorReport {
  if (!(error instanceof Error)) return { name: typeof error, message: mask(String(error)), stack: [] };
  const requestId = upstreamRequestId(error);
  const cause = depth < MAX_CAUSE_DEPTH && error.cause !== undefined ? reportError(error.cause, depth + 1) : undefined;
  return {
    name: error.name,
    // Wrappers (the SDK's AnthropicError) repeat their cause's message, so every message is cleaned.
    message: mask(withoutQuotedInput(error.message)),
    stack: (error.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, STACK_FRAMES)
      .map((line) => line.trim()),
    ...(requestId ? { upstream_request_id: requestId } : {}),
    ...(cause ? { cause } : {}),
  };
}

/** The upstream request id anywhere in the cause chain (the outermost one wins). */
export function findUpstreamRequestId(report: ErrorReport | undefined): string | undefined {
  return report ? (report.upstream_request_id ?? findUpstreamRequestId(report.cause)) : undefined;
}

function upstreamRequestId(error: Error): string | undefined {
  const fields = error as { requestID?: unknown; $metadata?: { requestId?: unknown } };
  if (typeof fields.requestID === 'string' && fields.requestID) return fields.requestID;
  const aws = fields.$metadata?.requestId;
  return typeof aws === 'string' && aws ? aws : undefined;
}

/**
 * V8 quotes the text JSON.parse failed on (`Unexpected token 'h', "hello" is
 * not valid JSON`): upstream content, which must not reach the log.
 */
function withoutQuotedInput(message: string): string {
  return message.replace(/, ".*"(\.\.\.)? is not valid JSON$/s, ', (input withheld) is not valid JSON');
}

function mask(text: string): string {
  const masked = SECRET_SHAPES.reduce(
    (out, shape) => out.replace(shape, (match, prefix?: string) => `${typeof prefix === 'string' ? prefix : match.slice(0, 7)}…`),
    text,
  );
  return masked.length > MAX_MESSAGE_CHARS ? `${masked.slice(0, MAX_MESSAGE_CHARS)}…` : masked;
}
