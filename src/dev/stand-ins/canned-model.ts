/**
 * The canned model behind `npm run dev -- --mock-model`: it answers any
 * Messages API request from what the request holds, so the whole loop (tool
 * calls, streaming, usage, structured output) can be tried with no account.
 * Nothing here is a model: every answer says it is canned.
 *
 * - A question with arithmetic in it (`What is 2^20?`) gets a `calculator`
 *   call; one that mentions the time or date gets `current_time`; one that
 *   names an order id (`Where is order A-1001?`) gets a call of an offered
 *   MCP tool named `<server>__lookup_order` (`npm run dev -- --mcp-demo`).
 * - A turn that carries tool results gets a text answer quoting them.
 * - A request offering `submit_result` (an `output_schema`) gets a call of it
 *   with the smallest value its schema allows.
 * - Anything else gets a short canned text, streamed word by word, that
 *   counts the questions of the conversation (so a kept one shows).
 */
import type { Block, Reply } from './messages-api';

/** Delay between streamed pieces, so text visibly arrives piece by piece. @unit ms */
export const CANNED_TOKEN_DELAY_MS = 30;
/** Every canned text starts with this, so no one mistakes it for a model's answer. */
export const CANNED_PREFIX = '[canned answer from the local mock model]';

type Message = { role: string; content: unknown };
type ToolDefinition = { name: string; input_schema?: Record<string, unknown> };

/** The reply the canned model gives to one Messages API request body. */
export function cannedReply(body: Record<string, unknown>): Reply {
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as ToolDefinition[]) : [];
  const last = messages.at(-1);
  const results = toolResultsOf(last);
  const message = (content: Block[]): Reply => ({ kind: 'message', content, tokenDelayMs: CANNED_TOKEN_DELAY_MS });

  const submit = tools.find((tool) => tool.name === 'submit_result');
  if (submit) return message([{ type: 'tool_use', name: 'submit_result', input: smallestValue(submit.input_schema ?? { type: 'object' }) }]);
  if (results.length > 0) {
    const quoted = results.map((r) => `${r.is_error ? 'an error' : 'this'}: ${r.content}`).join('; and ');
    return message([{ type: 'text', text: `${CANNED_PREFIX} The tool answered ${quoted}` }]);
  }
  const question = textOf(last);
  // Tool results travel as user turns too; the questions are the user turns with text.
  const turn = messages.filter((m) => m.role === 'user' && toolResultsOf(m).length === 0).length;
  const offered = new Set(tools.map((tool) => tool.name));
  const expression = arithmeticIn(question);
  if (expression && offered.has('calculator')) {
    return message([
      { type: 'text', text: `${CANNED_PREFIX} Let me compute ${expression}.` },
      { type: 'tool_use', name: 'calculator', input: { expression } },
    ]);
  }
  const order = /\b[A-Z]-\d{4}\b/.exec(question)?.[0];
  const lookup = tools.find((tool) => tool.name.endsWith('__lookup_order'));
  if (order && lookup) {
    return message([
      { type: 'text', text: `${CANNED_PREFIX} Let me look up order ${order}.` },
      { type: 'tool_use', name: lookup.name, input: { order_id: order } },
    ]);
  }
  if (/\b(time|date|today|clock)\b/i.test(question) && offered.has('current_time')) {
    return message([
      { type: 'text', text: `${CANNED_PREFIX} Let me look at the clock.` },
      { type: 'tool_use', name: 'current_time', input: { timezone: 'UTC' } },
    ]);
  }
  return message([
    {
      type: 'text',
      text:
        `${CANNED_PREFIX} No model was called. You asked: "${question.slice(0, 200)}" (question ${turn} of this conversation). ` +
        'Ask for arithmetic (What is 2^20?) or the time to see a tool call. ' +
        'For real answers, stop the server and start it with ANTHROPIC_API_KEY exported, or LLM_PROVIDER=bedrock.',
    },
  ]);
}

/** The first run of at least two numbers joined by operators, e.g. `2^20` or `(3 + 4) * 2`. */
function arithmeticIn(text: string): string | undefined {
  const match = /[(\d][\d\s.()]*(?:[-+*/%^][\s(]*[\d.][\d\s.()]*)+/.exec(text);
  return match ? match[0].trim() : undefined;
}

function textOf(message: Message | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return '';
  return (message.content as Array<{ type?: string; text?: string }>)
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join(' ');
}

function toolResultsOf(message: Message | undefined): Array<{ content: string; is_error: boolean }> {
  if (!message || message.role !== 'user' || !Array.isArray(message.content)) return [];
  return (message.content as Array<{ type?: string; content?: unknown; is_error?: boolean }>)
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({ content: typeof block.content === 'string' ? block.content : JSON.stringify(block.content), is_error: block.is_error === true }));
}

/** The smallest value a (simple) JSON Schema allows: required properties only, zeros, empty strings at their minimum length. */
export function smallestValue(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type: unknown = Array.isArray(schema.type) ? (schema.type as unknown[])[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((name) => [name, smallestValue(properties[name] ?? {})]));
    }
    case 'array':
      return Array.from({ length: Number(schema.minItems ?? 0) }, () => smallestValue((schema.items ?? {}) as Record<string, unknown>));
    case 'string': {
      const length = Math.max(Number(schema.minLength ?? 0), Math.min(6, Number(schema.maxLength ?? 6)));
      return 'canned'.padEnd(length, '.').slice(0, length);
    }
    case 'integer':
    case 'number':
      return Math.max(0, Number(schema.minimum ?? 0));
    case 'boolean':
      return false;
    default:
      return null;
  }
}
