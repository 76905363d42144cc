/**
 * The body of `POST /agent`, parsed and validated before any model call:
 * size, JSON, types, lengths and caps, each failure a 400 or 413 that says
 * which field was wrong and what is allowed.
 */
import { MAX_SCHEMA_BYTES, MAX_SCHEMA_DEPTH } from '../agent/output-schema/limits';
import type { AgentRequest, PriorTurn } from '../agent/request';
import type { Limits } from '../config';
import { InvalidRequestError, RequestError } from '../errors';
import { chooseModel, type ModelChoice } from '../model-tiers';
import { printable } from '../text';
import { ANONYMOUS_CALLER } from '../auth/verify-request';

/** Unknown field names listed in the error, at most. */
const MAX_LISTED_FIELDS = 5;
const KNOWN_FIELDS = new Set(['input', 'messages', 'output_schema', 'max_tokens', 'session_id', 'model']);
/** A session id: 8 to 128 characters of letters, digits and `. _ : -`. */
const SESSION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Who asks, and whether sessions are on: `session_id` depends on both. */
export interface SessionContext {
  readonly enabled: boolean;
  /** The caller id (see auth/verify-request). */
  readonly caller: string;
}

/** Parses a POST /agent (or POST /jobs) body; `models` resolves its `model` field to a model id. */
export function parseAgentRequest(body: Buffer, limits: Limits, sessions: SessionContext, models: ModelChoice): AgentRequest {
  if (body.byteLength > limits.maxRequestBytes) {
    throw new RequestError('payload_too_large', `The request body is ${body.byteLength} bytes; the limit is ${limits.maxRequestBytes}.`);
  }
  const text = decodeUtf8(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON. Send {"input": "your question"}.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidRequestError('The request body must be a JSON object such as {"input": "your question"}.');
  }
  const fields = json as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length > 0) {
    const listed = unknown.slice(0, MAX_LISTED_FIELDS).map((k) => `\`${printable(k, 40)}\``);
    const more = unknown.length > MAX_LISTED_FIELDS ? ` and ${unknown.length - MAX_LISTED_FIELDS} more` : '';
    throw new InvalidRequestError(`Unknown field ${listed.join(', ')}${more}. Allowed: input, messages, output_schema, max_tokens, session_id, model.`);
  }

  const input = fields.input;
  if (typeof input !== 'string') throw new InvalidRequestError('`input` is required and must be a string.');
  if (input.trim() === '') throw new InvalidRequestError('`input` must not be empty.');
  if (input.length > limits.maxInputChars) throw new InvalidRequestError(`\`input\` is ${input.length} characters; the limit is ${limits.maxInputChars}.`);

  const messages = parseMessages(fields.messages, limits);
  const outputSchema = fields.output_schema === undefined ? undefined : parseOutputSchema(fields.output_schema);

  let maxTokens = limits.defaultMaxTokens;
  if (fields.max_tokens !== undefined) {
    const value = fields.max_tokens;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits.maxTokensCap) {
      throw new InvalidRequestError(`\`max_tokens\` must be a whole number from 1 to ${limits.maxTokensCap}.`);
    }
    maxTokens = value;
  }
  const sessionId = parseSessionId(fields.session_id, sessions);
  if (sessionId !== undefined && messages.length > 0) {
    throw new InvalidRequestError('Send either `session_id` (the function keeps the history) or `messages` (you send it), not both.');
  }
  const model = chooseModel(models, fields.model);
  return { input, messages, outputSchema, maxTokens, model, ...(sessionId !== undefined ? { sessionId } : {}) };
}

/** Shortest session id an anonymous caller may use: the id is then the only key to the conversation. */
export const ANONYMOUS_SESSION_ID_MIN = 32;

/**
 * A valid session id, or a 400 saying what one looks like. Without
 * authentication every caller is `anonymous` and shares one partition, so
 * the id must be long enough not to be guessed.
 */
export function validSessionId(value: unknown, caller: string): string {
  if (typeof value !== 'string' || !SESSION_ID.test(value)) {
    throw new InvalidRequestError('A session id is 8 to 128 characters of letters, digits and ". _ : -", e.g. "chat-2026-11-25.a1".');
  }
  if (caller === ANONYMOUS_CALLER && value.length < ANONYMOUS_SESSION_ID_MIN) {
    throw new InvalidRequestError(
      `This agent serves callers without authentication, so a session id is the only key to its conversation: use at least ${ANONYMOUS_SESSION_ID_MIN} random characters, e.g. a UUID.`,
    );
  }
  return value;
}

function parseSessionId(value: unknown, sessions: SessionContext): string | undefined {
  if (value === undefined) return undefined;
  if (!sessions.enabled) throw new InvalidRequestError('`session_id` needs server-side sessions, which are off: set sessions_enabled = true.');
  return validSessionId(value, sessions.caller);
}

function parseMessages(value: unknown, limits: Limits): PriorTurn[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidRequestError('`messages` must be an array of {"role": "user"|"assistant", "content": string}.');
  if (value.length > limits.maxMessages) throw new InvalidRequestError(`\`messages\` has ${value.length} turns; the limit is ${limits.maxMessages}.`);
  let total = 0;
  return value.map((turn, i) => {
    if (typeof turn !== 'object' || turn === null) throw new InvalidRequestError(`\`messages[${i}]\` must be an object with role and content.`);
    const { role, content } = turn as Record<string, unknown>;
    if (role !== 'user' && role !== 'assistant') throw new InvalidRequestError(`\`messages[${i}].role\` must be "user" or "assistant".`);
    if (typeof content !== 'string' || content.trim() === '') throw new InvalidRequestError(`\`messages[${i}].content\` must be a non-empty string.`);
    total += content.length;
    if (total > limits.maxInputChars * 4) throw new InvalidRequestError(`\`messages\` hold more than ${limits.maxInputChars * 4} characters in all.`);
    return { role, content };
  });
}

function parseOutputSchema(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('`output_schema` must be a JSON Schema object such as {"type": "object", "properties": {...}}.');
  }
  const schema = value as Record<string, unknown>;
  // Depth first: it stops at the limit, while serializing a deep value would recurse all the way.
  if (depth(schema) > MAX_SCHEMA_DEPTH) throw new InvalidRequestError(`\`output_schema\` nests deeper than ${MAX_SCHEMA_DEPTH} levels.`);
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) throw new InvalidRequestError(`\`output_schema\` is larger than ${MAX_SCHEMA_BYTES} bytes.`);
  if (schema.type !== 'object') throw new InvalidRequestError('`output_schema` must have "type": "object" at its root.');
  // The rest of the schema is checked whole, and compiled, before the first model call (agent/output-schema).
  return schema;
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new InvalidRequestError('The request body is not valid UTF-8.');
  }
}

function depth(value: unknown, level = 0): number {
  if (level > MAX_SCHEMA_DEPTH) return level;
  if (typeof value !== 'object' || value === null) return level;
  let max = level;
  for (const child of Object.values(value)) max = Math.max(max, depth(child, level + 1));
  return max;
}
