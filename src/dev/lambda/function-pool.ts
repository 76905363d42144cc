/**
 * A Lambda function under concurrent requests, as Lambda serves it: each
 * execution environment runs one invocation at a time; a request that finds
 * every environment busy gets a new one (a cold start) while the function is
 * under its concurrency, and is throttled beyond it. Idle environments are
 * reused warm, the most recently used first.
 */
import { ExecutionEnvironment, type ExecutionEnvironmentOptions } from './execution-environment';
import type { InvokeRequest } from './invocation';
import type { LocalInvocation } from './local-function';

/** Every execution environment is busy and the pool is at its concurrency: Lambda's throttle. */
export class ThrottledError extends Error {
  constructor(readonly concurrency: number) {
    super(`All ${concurrency} execution environments are busy (--concurrency ${concurrency}): Lambda throttles the request.`);
    this.name = 'ThrottledError';
  }
}

export interface FunctionPoolOptions extends ExecutionEnvironmentOptions {
  /** Execution environments that may run at once: the function's concurrency. @default 4 */
  readonly concurrency?: number;
}

/** What serves a request: one function (serial) or a pool (concurrent, throttled). */
export interface Invoker {
  invoke(request: InvokeRequest): Promise<LocalInvocation>;
  close(): Promise<void>;
}

export const DEFAULT_CONCURRENCY = 4;

export class FunctionPool implements Invoker {
  readonly concurrency: number;
  /** Idle, alive environments; the last is the most recently used. */
  private readonly idle: ExecutionEnvironment[] = [];
  /** Environments starting or running an invocation. */
  private busy = 0;
  private readonly running = new Set<Promise<unknown>>();
  private readonly all = new Set<ExecutionEnvironment>();
  private closed = false;

  constructor(private readonly options: FunctionPoolOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`concurrency is ${this.concurrency}; use a whole number of at least 1.`);
  }

  /** Environments alive now (idle or busy). */
  get size(): number {
    return [...this.all].filter((environment) => environment.alive).length;
  }

  /** Process ids of the environments alive now. */
  get pids(): number[] {
    return [...this.all].filter((environment) => environment.alive && environment.pid !== undefined).map((environment) => environment.pid!);
  }

  /** Runs `request` in an idle environment, or a new one; rejects with ThrottledError at the limit, InitError when a new one fails to start. */
  invoke(request: InvokeRequest): Promise<LocalInvocation> {
    if (this.closed) return Promise.reject(new Error('This local function is closed.'));
    let environment: ExecutionEnvironment | undefined;
    while ((environment = this.idle.pop()) && !environment.alive) this.discard(environment);
    if (!environment && this.busy >= this.concurrency) return Promise.reject(new ThrottledError(this.concurrency));
    this.busy += 1;
    const run = this.run(environment, request).finally(() => {
      this.busy -= 1;
      this.running.delete(run);
    });
    this.running.add(run);
    return run;
  }

  /** Waits for invocations under way, then stops every environment. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    await Promise.all([...this.all].map((environment) => environment.close()));
    this.all.clear();
    this.idle.length = 0;
  }

  private async run(warm: ExecutionEnvironment | undefined, request: InvokeRequest): Promise<LocalInvocation> {
    const environment = warm ?? (await ExecutionEnvironment.start(this.options));
    if (!warm) this.all.add(environment);
    let reusable = false;
    try {
      const outcome = await environment.invoke(request);
      // A timeout or a crash ends the environment (Lambda replaces it), even before its process has exited.
      reusable = outcome.kind !== 'timeout' && outcome.kind !== 'crash';
      return warm ? { outcome } : { outcome, initDurationMs: environment.initDurationMs };
    } finally {
      if (reusable && !this.closed && environment.alive) this.idle.push(environment);
      else this.discard(environment);
    }
  }

  private discard(environment: ExecutionEnvironment): void {
    this.all.delete(environment);
    void environment.close();
  }
}
