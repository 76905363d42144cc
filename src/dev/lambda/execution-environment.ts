/**
 * One Lambda execution environment on this machine: the real runtime client
 * (aws-lambda-ric) in a child process, on the unpacked zip, with the
 * environment Lambda sets, talking to its own Runtime API. It runs one
 * invocation at a time; a timeout or a crash ends it, as on Lambda.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as readline from 'node:readline';
import type { NodeBinary } from './binaries';
import { runtimeClientEntry } from './binaries';
import type { FunctionError, InvocationOutcome, InvokeRequest } from './invocation';
import { RuntimeApi } from './runtime-api';

export interface ExecutionEnvironmentOptions {
  /** Folder holding the unpacked zip: LAMBDA_TASK_ROOT. */
  readonly taskRoot: string;
  /** Handler string, e.g. `index.handler` or `index.streamHandler`. */
  readonly handler: string;
  /** The Node.js that runs the runtime client. */
  readonly node: NodeBinary;
  /** The function's configured environment variables, as the stack would set them. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** The execution role's credentials. @default - dummy credentials that only local stand-ins accept */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 'claude-agent-local' */
  readonly functionName?: string;
  /** @default 512 @unit MB */
  readonly memoryMb?: number;
  /** Lambda runtime identifier, reported in AWS_EXECUTION_ENV. @default 'nodejs22.x' */
  readonly runtime?: string;
  /** Every line the function writes, as CloudWatch would receive it. @default - discarded */
  readonly onLog?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Lambda's limit on the init phase. @default 10000 @unit ms */
  readonly initTimeoutMs?: number;
}

/** The init phase failed: the runtime reported an init error, exited, or took too long. */
export class InitError extends Error {
  constructor(
    message: string,
    readonly error: FunctionError,
  ) {
    super(message);
    this.name = 'InitError';
  }
}

const DEFAULT_INIT_TIMEOUT_MS = 10_000;
const DEFAULT_MEMORY_MB = 512;

/**
 * The flags Lambda's Node.js bootstrap starts the runtime with: the heap is
 * sized from the function's memory (5% young generation, 90% old), so a
 * function that fits locally fits on Lambda.
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor((memoryMb * 5) / 100)}`,
    `--max-old-space-size=${Math.floor((memoryMb * 90) / 100)}`,
  ];
}
/** Output kept for a crash report. @unit lines */
const KEPT_OUTPUT_LINES = 20;
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'ASIALOCALEXECUTIONROLE',
  secretAccessKey: 'local-execution-role-secret',
  sessionToken: 'local-execution-role-session',
};

export class ExecutionEnvironment {
  private inFlight: { requestId: string; settle: (o: InvocationOutcome) => void } | undefined;
  private exited: { code: number | null; signal: string | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly api: RuntimeApi,
    private readonly functionArn: string,
    /** The last lines the process wrote, shared with the output reader. */
    private readonly recentOutput: string[],
    /** How long the init phase took: process start to the first `/next`. @unit ms */
    readonly initDurationMs: number,
  ) {}

  static async start(options: ExecutionEnvironmentOptions): Promise<ExecutionEnvironment> {
    const entry = runtimeClientEntry();
    const functionName = options.functionName ?? 'claude-agent-local';
    const region = options.region ?? 'us-east-1';
    const functionArn = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
    let firstNext: () => void = () => undefined;
    let initFailed: (error: FunctionError) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      firstNext = resolve;
      initFailed = (error) => reject(new InitError(`The function failed to initialise: ${error.errorType}: ${error.errorMessage}`, error));
    });
    // Set once init is over; the exit handler below needs to know whether it is.
    const initialised: { environment?: ExecutionEnvironment } = {};
    const api = await RuntimeApi.start({
      onNext: () => firstNext(),
      onInitError: (error) => initFailed(error),
    });
    const credentials = options.credentials ?? LOCAL_CREDENTIALS;
    const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    const started = performance.now();
    const child = spawn(options.node.path, [...lambdaNodeFlags(memoryMb), entry], {
      cwd: options.taskRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Lambda gives the function its configured variables plus its own, and nothing of the host's.
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        ...options.environment,
        AWS_LAMBDA_RUNTIME_API: api.address,
        _HANDLER: options.handler,
        LAMBDA_TASK_ROOT: options.taskRoot,
        AWS_EXECUTION_ENV: `AWS_Lambda_${options.runtime ?? 'nodejs22.x'}`,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        // As Lambda sets it; an environment given "provisioned-concurrency" starts as a provisioned one would.
        AWS_LAMBDA_INITIALIZATION_TYPE: options.environment?.AWS_LAMBDA_INITIALIZATION_TYPE ?? 'on-demand',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`,
        // The stack configures JSON logs (logging_config.log_format).
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
        AWS_LAMBDA_LOG_LEVEL: 'INFO',
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      },
    });
    const recent: string[] = [];
    const capture = (stream: 'stdout' | 'stderr') => (line: string) => {
      recent.push(line);
      if (recent.length > KEPT_OUTPUT_LINES) recent.shift();
      options.onLog?.(line, stream);
    };
    readline.createInterface({ input: child.stdout }).on('line', capture('stdout'));
    readline.createInterface({ input: child.stderr }).on('line', capture('stderr'));
    child.on('exit', (code, signal) => {
      if (initialised.environment) return initialised.environment.onExit(code, signal);
      initFailed({
        errorType: 'Runtime.ExitError',
        errorMessage: `The runtime exited during init (${signal ?? `exit code ${code}`}). Last output:\n${recent.join('\n')}`,
      });
    });
    child.on('error', (error) => initFailed({ errorType: 'Runtime.StartError', errorMessage: `Cannot start ${options.node.path}: ${error.message}` }));

    const initTimeoutMs = options.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new InitError(`The function did not finish its init phase within ${initTimeoutMs} ms. Last output:\n${recent.join('\n')}`, {
              errorType: 'Runtime.InitTimeout',
              errorMessage: `init over ${initTimeoutMs} ms`,
            }),
          ),
        initTimeoutMs,
      );
    });
    try {
      await Promise.race([ready, timedOut]);
    } catch (error) {
      child.kill('SIGKILL');
      await api.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    initialised.environment = new ExecutionEnvironment(child, api, functionArn, recent, performance.now() - started);
    return initialised.environment;
  }

  /** False once the process has exited or been stopped (timeout, crash, close). */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /** The runtime process's id (for measurements of its memory and descriptors). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Runs one invocation. Resolves with what Lambda would report; never rejects for a function failure. */
  invoke(request: InvokeRequest): Promise<InvocationOutcome> {
    if (!this.alive) throw new Error('This execution environment has stopped; start a new one.');
    if (this.inFlight) throw new Error('This execution environment is busy: Lambda runs one invocation at a time per environment.');
    const requestId = request.requestId ?? randomUUID();
    return new Promise<InvocationOutcome>((resolve) => {
      const settle = (outcome: InvocationOutcome) => {
        if (this.inFlight?.requestId !== requestId) return;
        this.inFlight = undefined;
        clearTimeout(timer);
        resolve(outcome);
      };
      this.inFlight = { requestId, settle };
      const timer = setTimeout(() => {
        // Lambda stops the environment of a timed-out invocation.
        settle({ kind: 'timeout', timeoutMs: request.timeoutMs });
        this.api.abandon(requestId);
        this.stop();
      }, request.timeoutMs);
      this.api.dispatch({
        requestId,
        event: request.event,
        deadlineMs: Date.now() + request.timeoutMs,
        functionArn: this.functionArn,
        traceId: request.traceId,
        onChunk: request.onChunk,
        dropStreamAfterChunks: request.dropStreamAfterChunks,
        settle,
      });
    });
  }

  async close(): Promise<void> {
    this.stop();
    await this.api.close();
  }

  private stop(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private onExit(code: number | null, signal: string | null): void {
    this.exited = { code, signal };
    const inFlight = this.inFlight;
    if (inFlight) {
      this.api.abandon(inFlight.requestId);
      inFlight.settle({ kind: 'crash', exitCode: code, signal, lastOutput: this.recentOutput.join('\n') });
    }
  }
}
