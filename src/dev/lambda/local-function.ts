/**
 * A Lambda function on this machine: invocations run one at a time in an
 * execution environment that starts on first use (a cold start) and is
 * replaced after a timeout or crash, as Lambda does.
 */
import { ExecutionEnvironment, type ExecutionEnvironmentOptions } from './execution-environment';
import type { InvocationOutcome, InvokeRequest } from './invocation';

export interface LocalInvocation {
  readonly outcome: InvocationOutcome;
  /** Set when this invocation started a new execution environment. @unit ms */
  readonly initDurationMs?: number;
}

export class LocalFunction {
  private environment: ExecutionEnvironment | undefined;
  private starting: Promise<ExecutionEnvironment> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(readonly options: ExecutionEnvironmentOptions) {}

  /** Starts an execution environment now, so the first invocation is warm. Returns its init time. @unit ms */
  async warm(): Promise<number> {
    return (await this.ensureEnvironment()).initDurationMs;
  }

  /** Runs `request` after the invocations before it. An init failure rejects with InitError. */
  invoke(request: InvokeRequest): Promise<LocalInvocation> {
    const run = this.queue.then(async () => {
      const cold = !this.environment?.alive;
      const environment = await this.ensureEnvironment();
      const outcome = await environment.invoke(request);
      return cold ? { outcome, initDurationMs: environment.initDurationMs } : { outcome };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The process id of the current execution environment, if one is running. */
  get pid(): number | undefined {
    return this.environment?.alive ? this.environment.pid : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const environment = this.environment ?? (await this.starting?.catch(() => undefined));
    this.environment = undefined;
    await environment?.close();
  }

  private async ensureEnvironment(): Promise<ExecutionEnvironment> {
    if (this.closed) throw new Error('This local function is closed.');
    if (this.environment?.alive) return this.environment;
    if (this.environment) {
      const stale = this.environment;
      this.environment = undefined;
      await stale.close();
    }
    this.starting ??= ExecutionEnvironment.start(this.options).finally(() => {
      this.starting = undefined;
    });
    this.environment = await this.starting;
    return this.environment;
  }
}
