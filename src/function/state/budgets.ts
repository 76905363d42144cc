/**
 * Daily spending limits across requests: tokens per caller, and estimated
 * cost for all callers together, per UTC day. Checked before each model
 * call; each call's usage is added after it with atomic counters. Under
 * concurrency the limit can be overshot by what the calls already under way
 * spend: at most reserved concurrency × one call's tokens.
 */
import { BudgetExceededError } from '../errors';
import { callerPartition, DEPLOYMENT_PARTITION, TTL_ATTRIBUTE, usageSort } from './keys';
import { num, readNum, readStr, type Item, type Key, type StateStore } from './store';

export interface BudgetLimits {
  /** Tokens one caller may spend per UTC day; 0 is off. */
  readonly callerDailyTokens: number;
  /** Estimated US dollars all callers together may spend per UTC day; 0 is off. */
  readonly dailyCostUsd: number;
}

/** Usage items outlive their day by this much, for a look back; then TTL removes them. @unit days */
const USAGE_KEPT_DAYS = 7;
/** Cost is counted in millionths of a dollar, so atomic additions stay exact. */
const MICRO = 1_000_000;

/** `2026-11-25` for a time in that UTC day. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Seconds until the next UTC midnight, at least 1. */
export function secondsToUtcMidnight(ms: number): number {
  const next = new Date(ms);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - ms) / 1000));
}

export class Budgets {
  constructor(
    private readonly store: StateStore,
    private readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.limits.callerDailyTokens > 0 || this.limits.dailyCostUsd > 0;
  }

  /** Throws BudgetExceededError when the caller's or the deployment's budget for today is spent. */
  async check(callerId: string, signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return;
    const now = this.now();
    const day = utcDay(now);
    const keys: Key[] = [];
    if (this.limits.callerDailyTokens > 0) keys.push(this.callerKey(callerId, day));
    if (this.limits.dailyCostUsd > 0) keys.push(this.deploymentKey(day));
    const items = await this.store.getMany(keys, signal);
    const find = (key: Key): Item | undefined => items.find((item) => readStr(item, 'pk') === key.pk && readStr(item, 'sk') === key.sk);
    const retryAfter = secondsToUtcMidnight(now);
    if (this.limits.callerDailyTokens > 0) {
      const spent = readNum(find(this.callerKey(callerId, day)), 'tokens') ?? 0;
      if (spent >= this.limits.callerDailyTokens) {
        throw new BudgetExceededError(
          `Your daily token budget (${this.limits.callerDailyTokens} tokens, caller_daily_token_budget) is spent for ${day} (UTC); it renews at midnight UTC.`,
          retryAfter,
        );
      }
    }
    if (this.limits.dailyCostUsd > 0) {
      const spent = (readNum(find(this.deploymentKey(day)), 'cost_micro_usd') ?? 0) / MICRO;
      if (spent >= this.limits.dailyCostUsd) {
        throw new BudgetExceededError(
          `The agent's daily cost budget ($${this.limits.dailyCostUsd}, daily_cost_budget_usd, all callers together) is spent for ${day} (UTC); it renews at midnight UTC.`,
          retryAfter,
        );
      }
    }
  }

  /** Adds one model call's tokens and estimated cost to today's counters. */
  async record(callerId: string, tokens: number, costUsd: number | null, signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return;
    const now = this.now();
    const day = utcDay(now);
    const expires = Math.floor(now / 1000) + secondsToUtcMidnight(now) + USAGE_KEPT_DAYS * 86_400;
    const writes: Array<Promise<unknown>> = [];
    if (this.limits.callerDailyTokens > 0) {
      writes.push(
        this.store.update(
          this.callerKey(callerId, day),
          { expression: 'ADD tokens :tokens SET #ttl = :ttl', names: { '#ttl': TTL_ATTRIBUTE }, values: { ':tokens': num(tokens), ':ttl': num(expires) } },
          signal,
        ),
      );
    }
    if (this.limits.dailyCostUsd > 0) {
      writes.push(
        this.store.update(
          this.deploymentKey(day),
          {
            expression: 'ADD tokens :tokens, cost_micro_usd :cost SET #ttl = :ttl',
            names: { '#ttl': TTL_ATTRIBUTE },
            values: { ':tokens': num(tokens), ':cost': num(Math.round((costUsd ?? 0) * MICRO)), ':ttl': num(expires) },
          },
          signal,
        ),
      );
    }
    await Promise.all(writes);
  }

  private callerKey(callerId: string, day: string): Key {
    return { pk: callerPartition(callerId), sk: usageSort(day) };
  }

  private deploymentKey(day: string): Key {
    return { pk: DEPLOYMENT_PARTITION, sk: usageSort(day) };
  }
}
