/**
 * The agent loop: Messages API tool use under per-request caps (iterations,
 * tool calls, tokens) and the Lambda deadline. It streams every model call,
 * so the streaming handler can forward tokens as they arrive; the buffered
 * handler simply ignores the events.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { AgentRequest } from './request';
import type { RuntimeConfig } from '../config';
import { AgentError, DeadlineError, ProviderError, type PartialResult } from '../errors';
import type { MessagesClient, ModelProvider } from '../providers/model-client';
import { isAuthError, toProviderError } from '../providers/provider-errors';
import { retryDelayMs } from '../providers/retry-policy';
import { serverToolDefinitions, type ServerToolsConfig } from '../tools/server-tools';
import { configuredTools, toolsFor, type ToolSet } from '../tools/toolset';
import { MIN_MODEL_CALL_MS, MIN_TOOL_MS, type Deadline } from './deadline';
import type { AgentEvents, ToolCallRecord } from './events';
import { estimateCostUsd, type PriceTable } from './pricing';
import type { CompiledOutputSchema } from './output-schema';
import { VALIDATION_BUDGET_MS } from './output-schema/limits';
import { SUBMIT_TOOL_NAME, submitTool } from './structured-output';
import { runToolCalls } from './tool-runner';
import { addUsage, budgetTokens, emptyUsage, type Usage } from './usage';
import { CallUsage } from './call-usage';

export interface AgentResult {
  request_id: string;
  output: string;
  /** The model's last stop reason, or why the agent stopped: max_iterations, max_tool_calls, token_budget, result_submitted. */
  stop_reason: string;
  model: string;
  provider: string;
  iterations: number;
  tool_calls: ToolCallRecord[];
  usage: Usage;
  cost_usd: number | null;
  /** Part of `usage` is an estimate: a model call failed before the provider reported what it spent. */
  usage_estimated?: true;
  result?: unknown;
  /** The session the request continued (sessions on, the request named one). */
  session_id?: string;
  /** Whether this exchange was appended to the session. */
  session_updated?: boolean;
  /** Why it was not. */
  session_not_updated?: SessionNotUpdated;
}

/**
 * Why an exchange was not stored: the answer was cut or empty (max_tokens,
 * a cap, tool calls only), the session was deleted or taken over meanwhile,
 * or the table could not be written.
 */
export type SessionNotUpdated = 'incomplete_answer' | 'session_gone' | 'state_unavailable';

/**
 * Metering around each model call (the daily budgets). `beforeModelCall`
 * throws to refuse the call; `afterModelCall` gets what that call spent,
 * also when it failed (tokens and estimated cost, null for an unpriced
 * model; `estimated` when the provider never said), and never throws.
 */
export interface ModelCallMeter {
  beforeModelCall(): Promise<void>;
  afterModelCall(tokens: number, costUsd: number | null, estimated: boolean): Promise<void>;
}

export interface AgentRun {
  readonly requestId: string;
  readonly request: AgentRequest;
  readonly config: RuntimeConfig;
  readonly provider: ModelProvider;
  readonly deadline: Deadline;
  /** The request's `output_schema`, compiled (see http/run-agent). */
  readonly outputSchema?: CompiledOutputSchema;
  readonly events?: AgentEvents;
  /** Checks and charges the daily budgets around each model call; none when budgets are off. */
  readonly meter?: ModelCallMeter;
  /** Called before each model call and each tool run; throws to stop the run there (a job's cancel). */
  readonly checkpoint?: () => Promise<void>;
}

type MessageParam = Anthropic.MessageParam;

export async function runAgent(run: AgentRun): Promise<AgentResult> {
  const { request, config, provider, deadline, outputSchema } = run;
  const events = run.events ?? {};
  const { limits } = config;
  const state: AgentResult = {
    request_id: run.requestId,
    output: '',
    stop_reason: '',
    model: request.model,
    provider: provider.name,
    iterations: 0,
    tool_calls: [],
    usage: emptyUsage(),
    cost_usd: null,
  };
  const messages: MessageParam[] = [...request.messages.map((m) => ({ role: m.role, content: m.content })), { role: 'user', content: request.input }];
  let forceSubmit = false;
  let invalidSubmissions = 0;
  /** Code execution's container, kept from call to call so its files and state carry over. */
  let container: string | undefined;
  /** The text of a paused turn, which the next call continues. */
  let pausedText = '';

  try {
    let tools: ToolSet | undefined;
    for (;;) {
      if (state.iterations >= limits.maxIterations) return finish(state, 'max_iterations', config.prices);
      const spent = budgetTokens(state.usage);
      if (spent >= limits.tokenBudget) return finish(state, 'token_budget', config.prices);
      if (!deadline.canStart(MIN_MODEL_CALL_MS)) throw timeout(state, 'before another model call could start', config.prices);

      await run.checkpoint?.();
      await run.meter?.beforeModelCall();
      // Listed once the request may spend (a caller over budget never waits for an MCP listing).
      tools ??= await toolsOf(run);
      state.iterations += 1;
      const charge = async (call: Usage, estimated: boolean): Promise<void> => {
        addUsage(state.usage, call);
        if (estimated) state.usage_estimated = true;
        await run.meter?.afterModelCall(budgetTokens(call), estimateCostUsd(request.model, call, config.prices), estimated);
      };
      const message = await callModel(provider, deadline, events, charge, {
        model: request.model,
        max_tokens: Math.max(1, Math.min(request.maxTokens, limits.tokenBudget - spent)),
        system: [{ type: 'text', text: config.systemPrompt, cache_control: { type: 'ephemeral' } }],
        tools: toolDefinitions(tools, config.serverTools, outputSchema?.json),
        ...(outputSchema ? { tool_choice: forceSubmit ? { type: 'tool', name: SUBMIT_TOOL_NAME } : { type: 'any' } } : {}),
        ...(container ? { container } : {}),
        messages,
      });
      container = message.container?.id ?? container;
      const call = emptyUsage();
      addUsage(call, message.usage);
      await charge(call, false);
      messages.push({ role: 'assistant', content: message.content });
      const text = message.content
        .filter((b): b is Anthropic.TextBlock => b.type === 'text')
        .map((b) => b.text)
        .join('');
      // After a paused turn, the answer goes on where the paused part ended.
      if (text) state.output = pausedText + text;
      state.stop_reason = message.stop_reason ?? 'end_turn';

      const toolUses = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      const submission = outputSchema ? toolUses.find((t) => t.name === SUBMIT_TOOL_NAME) : undefined;
      const results: Anthropic.ToolResultBlockParam[] = [];
      if (outputSchema && submission) {
        const problems = outputSchema.validate(submission.input, Math.min(VALIDATION_BUDGET_MS, deadline.remainingMs()));
        if (problems.length === 0) {
          state.result = submission.input;
          return finish(state, 'result_submitted', config.prices);
        }
        invalidSubmissions += 1;
        if (invalidSubmissions > 1) {
          throw new ProviderError('invalid_result', `The model's result does not match output_schema after a retry: ${problems.join('; ')}`, {
            partial: partialOf(state, config.prices),
          });
        }
        forceSubmit = true;
        results.push({
          type: 'tool_result',
          tool_use_id: submission.id,
          is_error: true,
          content: `The result does not match the schema. Fix these and call ${SUBMIT_TOOL_NAME} again:\n${problems.join('\n')}`,
        });
      }

      const calls = toolUses.filter((t) => t !== submission);
      // A long server-tool turn (web search, code execution) pauses: sent back as it is, the model goes on with it.
      if (message.stop_reason === 'pause_turn' && calls.length === 0 && results.length === 0) {
        if (text) pausedText = state.output;
        continue;
      }
      pausedText = '';
      if (calls.length === 0 && results.length === 0) {
        if (!outputSchema || message.stop_reason === 'max_tokens') return finish(state, state.stop_reason, config.prices);
        forceSubmit = true; // answered in prose: ask for the structured result
        messages.push({ role: 'user', content: `Now call ${SUBMIT_TOOL_NAME} with the answer.` });
        continue;
      }
      if (state.tool_calls.length + calls.length > limits.maxToolCalls) return finish(state, 'max_tool_calls', config.prices);
      if (calls.length > 0) {
        if (!deadline.canStart(MIN_TOOL_MS)) throw timeout(state, 'before the requested tools could run', config.prices);
        await run.checkpoint?.();
        const offered = tools;
        const ran = await runToolCalls(calls, { timeoutMs: limits.toolTimeoutMs, deadline, events, findTool: (name) => offered?.find(name) });
        state.tool_calls.push(...ran.records);
        results.push(...ran.results);
      }
      messages.push({ role: 'user', content: results });
    }
  } catch (error) {
    // Whatever stopped the run, the caller learns what it had produced so far.
    const produced = state.output !== '' || state.tool_calls.length > 0 || budgetTokens(state.usage) > 0;
    if (!(error instanceof AgentError) || error.partial !== undefined || !produced) throw error;
    throw error.withPartial(partialOf(state, config.prices));
  }
}

function finish(state: AgentResult, stopReason: string, prices: PriceTable): AgentResult {
  state.stop_reason = stopReason;
  state.cost_usd = estimateCostUsd(state.model, state.usage, prices);
  return state;
}

function partialOf(state: AgentResult, prices: PriceTable): PartialResult {
  return {
    output: state.output,
    iterations: state.iterations,
    tool_calls: state.tool_calls,
    usage: state.usage,
    cost_usd: estimateCostUsd(state.model, state.usage, prices),
    ...(state.usage_estimated ? { usage_estimated: true as const } : {}),
  };
}

function timeout(state: AgentResult, when: string, prices: PriceTable): DeadlineError {
  return new DeadlineError(`The request ran out of time ${when}; the partial result is attached.`, { partial: partialOf(state, prices) });
}

/**
 * The run's tools: the built-in ones, and the MCP servers' (listed within
 * what the deadline can spare before the first model call).
 */
function toolsOf({ config, deadline, requestId }: AgentRun): Promise<ToolSet> {
  const base = configuredTools(config.knowledgeBaseIds, config.awsRegion);
  const budgetMs = deadline.remainingMs() - MIN_MODEL_CALL_MS;
  // No server, or no time to list: the deployment's own tools (and a run out of time stops at the next check).
  if (Object.keys(config.mcpServers).length === 0 || budgetMs <= 0) return Promise.resolve(base);
  return deadline.abortable((signal) =>
    toolsFor(base, config.mcpServers, { defaultTimeoutMs: config.limits.toolTimeoutMs, budgetMs, signal, region: config.awsRegion, requestId }),
  );
}

/** Tool definitions (the run's, Anthropic's server tools, the result's), the last one marked for prompt caching (which caches all of them). */
function toolDefinitions(set: ToolSet, serverTools: ServerToolsConfig, outputSchema: Record<string, unknown> | undefined): Anthropic.ToolUnion[] {
  const tools: Anthropic.ToolUnion[] = set.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
  tools.push(...serverToolDefinitions(serverTools));
  if (outputSchema) tools.push(submitTool(outputSchema));
  tools[tools.length - 1] = { ...tools[tools.length - 1], cache_control: { type: 'ephemeral' } };
  return tools;
}

/**
 * One model turn, streamed. On a 401 the credentials are fetched again and
 * the call made once more; a retryable failure (429, 5xx, a lost connection)
 * is tried again after the wait the provider asks for, but only when that
 * wait and a useful call fit before the deadline, and never once text has
 * reached the caller. Every attempt that failed after the provider started
 * on it is charged (see call-usage). Every failure leaves as a ProviderError
 * or DeadlineError.
 */
async function callModel(
  provider: ModelProvider,
  deadline: Deadline,
  events: AgentEvents,
  charge: (usage: Usage, estimated: boolean) => Promise<void>,
  body: Anthropic.MessageStreamParams,
): Promise<Anthropic.Message> {
  let refreshed = false;
  for (let attempt = 1; ; attempt += 1) {
    let streamed = false;
    let spent: CallUsage | undefined;
    try {
      // Reading the key (Secrets Manager) counts against the deadline too.
      const client: MessagesClient = await deadline.abortable((signal) => provider.client(signal));
      const usage = (spent = new CallUsage());
      return await deadline.abortable((signal) => {
        const stream = client.messages.stream(body, { signal, timeout: Math.max(1, deadline.remainingMs()), maxRetries: 0 });
        stream.on('streamEvent', (event, snapshot) => usage.observe(event, snapshot));
        stream.on('text', (delta) => {
          streamed = true;
          events.onText?.(delta);
        });
        return stream.finalMessage();
      });
    } catch (error) {
      // Only a call that was sent can have cost anything (not a failure to get the key).
      const failed = spent?.afterFailure(error, body);
      if (failed) await charge(failed.usage, failed.estimated);
      if (!refreshed && isAuthError(error) && (await deadline.abortable((signal) => provider.refreshCredentials(signal)))) {
        refreshed = true;
        continue;
      }
      const failure = toProviderError(error, deadline.remainingMs() === 0);
      const wait = streamed ? undefined : retryDelayMs(error, attempt);
      if (wait === undefined || wait + MIN_MODEL_CALL_MS > deadline.remainingMs()) throw failure;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
