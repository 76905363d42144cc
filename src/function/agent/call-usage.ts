/**
 * What one model call spent, also when it failed. The provider reports a
 * call's input tokens in `message_start` and its output tokens at the end;
 * a call that fails in between has still been paid for, so budgets, the
 * request log and CostUSD must count it: the input as reported, the output
 * as far as it streamed. A call that failed before any report is counted at
 * an estimate of its input, marked as one, unless the provider refused it
 * with an HTTP status (it did not run it, and does not bill it).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { APIError } from '@anthropic-ai/sdk/core/error';
import { addUsage, emptyUsage, type Usage } from './usage';

/**
 * Characters per token for estimates: English text averages about four, so
 * three errs towards counting more, which is the safe side for budgets.
 */
const CHARS_PER_TOKEN = 3;

/** A failed call's usage: reported by the provider, or `estimated`. */
export interface FailedCallUsage {
  readonly usage: Usage;
  readonly estimated: boolean;
}

export class CallUsage {
  private reported?: Usage;
  private streamedChars = 0;

  /** Feeds one stream event with the message as accumulated so far (the SDK's `streamEvent`). */
  observe(event: Anthropic.MessageStreamEvent, snapshot: Anthropic.Message | undefined): void {
    if ((event.type === 'message_start' || event.type === 'message_delta') && snapshot?.usage) {
      const usage = emptyUsage();
      addUsage(usage, snapshot.usage);
      this.reported = usage;
    } else if (event.type === 'content_block_delta') {
      const delta = event.delta;
      this.streamedChars += delta.type === 'text_delta' ? delta.text.length : delta.type === 'input_json_delta' ? delta.partial_json.length : 0;
    }
  }

  /** What the failed call spent, or undefined when the provider refused it before running it. */
  afterFailure(error: unknown, body: Anthropic.MessageStreamParams): FailedCallUsage | undefined {
    if (this.reported) {
      const streamed = Math.ceil(this.streamedChars / CHARS_PER_TOKEN);
      if (streamed <= this.reported.output_tokens) return { usage: this.reported, estimated: false };
      return { usage: { ...this.reported, output_tokens: streamed }, estimated: true };
    }
    if (error instanceof APIError && typeof error.status === 'number') return undefined;
    return { usage: { ...emptyUsage(), input_tokens: estimateInputTokens(body) }, estimated: true };
  }
}

/** An upper-side estimate of a request's input tokens, from its size: what the model would have read. */
export function estimateInputTokens(body: Pick<Anthropic.MessageStreamParams, 'system' | 'tools' | 'messages'>): number {
  const text = JSON.stringify([body.system ?? '', body.tools ?? [], body.messages]);
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
