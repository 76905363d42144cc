/**
 * Runs the tool calls of one model turn concurrently, each bounded by the
 * tool timeout and the request deadline. A tool that throws, times out or
 * does not exist yields an `is_error` result for the model, never a 500.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { bounded, printable } from '../text';
import type { Tool } from '../tools/types';
import type { Deadline } from './deadline';
import type { AgentEvents, ToolCallRecord } from './events';

type ToolUseBlock = Anthropic.ToolUseBlock;
type ToolResultBlock = Anthropic.ToolResultBlockParam;

/** Longest tool output passed back to the model. @unit characters */
const MAX_TOOL_OUTPUT_CHARS = 20_000;
/** Longest tool error passed back to the model. @unit characters */
const MAX_TOOL_ERROR_CHARS = 500;
/** Longest tool result shown to the caller in a stream's `tool_result` event (the model gets up to MAX_TOOL_OUTPUT_CHARS). @unit characters */
export const MAX_STREAMED_RESULT_CHARS = 2_000;

export interface ToolRunOptions {
  readonly timeoutMs: number;
  readonly deadline: Deadline;
  readonly events: AgentEvents;
  /** Where tools are looked up: the run's tool set (tools/toolset), for the agent loop. */
  readonly findTool: (name: string) => Tool<Record<string, unknown>> | undefined;
}

export async function runToolCalls(
  calls: readonly ToolUseBlock[],
  options: ToolRunOptions,
): Promise<{ results: ToolResultBlock[]; records: ToolCallRecord[] }> {
  const outcomes = await Promise.all(calls.map((call) => runOne(call, options)));
  return { results: outcomes.map((o) => o.result), records: outcomes.map((o) => o.record) };
}

async function runOne(call: ToolUseBlock, { timeoutMs, deadline, events, findTool }: ToolRunOptions) {
  events.onToolUse?.({ id: call.id, name: call.name, input: call.input });
  const started = Date.now();
  let content: string;
  let isError = false;
  const tool = findTool(call.name);
  const budget = Math.min(tool?.timeoutMs ?? timeoutMs, deadline.remainingMs());
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!tool) throw new Error(`There is no tool named "${printable(call.name, 64)}".`);
    const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<string, unknown>;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`The tool did not finish within ${budget} ms.`));
      }, budget);
    });
    content = await Promise.race([Promise.resolve().then(() => tool.run(input, { signal: controller.signal })), timedOut]);
    if (content.length > MAX_TOOL_OUTPUT_CHARS) content = `${content.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[truncated]`;
  } catch (error) {
    isError = true;
    // An error may quote the tool's input (a 1 MiB "time zone"): what goes back to the model stays short.
    content = bounded(error instanceof Error ? error.message : String(error), MAX_TOOL_ERROR_CHARS);
  } finally {
    clearTimeout(timer);
  }
  const duration = Date.now() - started;
  events.onToolResult?.({
    id: call.id,
    name: call.name,
    is_error: isError,
    duration_ms: duration,
    content: content.length > MAX_STREAMED_RESULT_CHARS ? `${content.slice(0, MAX_STREAMED_RESULT_CHARS)}…` : content,
  });
  return {
    result: { type: 'tool_result' as const, tool_use_id: call.id, content, is_error: isError },
    record: { name: call.name, ...(tool?.server !== undefined ? { server: tool.server } : {}), is_error: isError, duration_ms: duration },
  };
}
