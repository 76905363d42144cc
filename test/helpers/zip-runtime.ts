/**
 * The built zip, run as Lambda runs it: unpacked, loaded by the real runtime
 * interface client (aws-lambda-ric) in its own process, on the Node of this
 * Jest project, with a Runtime API of our own. Tests get the HTTP result the
 * Function URL would give, the SSE events with the time each left the
 * function, and the log lines the function wrote.
 */
import { hostNode, lambdaNode, type NodeBinary } from '../../src/dev/lambda/binaries';
import { HTTP_INTEGRATION_CONTENT_TYPE, httpResponseOf, splitPrelude } from '../../src/dev/lambda/function-url';
import type { InvocationOutcome, StreamChunk } from '../../src/dev/lambda/invocation';
import { LocalFunction } from '../../src/dev/lambda/local-function';
import { SseReader } from '../../src/dev/sse-reader';
import { LOCAL_STATE_CALL_TIMEOUT_MS, startDynamoDb, type DynamoDbServer } from '../../src/dev/stand-ins/dynamodb';
import { startSecretsManager, type SecretsManagerServer } from '../../src/dev/stand-ins/secrets-manager';
import { startMessagesApi, type MessagesApiServer } from '../../src/dev/stand-ins/messages-api';
import { emfProblems } from './emf';
import { testArtifact } from './test-run';

/** The function timeout an invocation gets unless a test says otherwise. @unit ms */
export const DEFAULT_REMAINING_MS = 30_000;
/** Lambda's Node for the stack's default runtime. */
const LAMBDA_RUNTIME = 'nodejs22.x';

export type Export = 'buffered' | 'streaming' | 'breaker' | 'jobs';
const HANDLERS: Record<Export, string> = {
  buffered: 'index.handler',
  streaming: 'index.streamHandler',
  breaker: 'index.breakerHandler',
  jobs: 'index.jobHandler',
};

/** The Node this Jest project runs the zip on (set by test/setup/node-*.ts). */
export function nodeUnderTest(): NodeBinary {
  return process.env.AGENT_TEST_NODE === 'host' ? hostNode() : lambdaNode(LAMBDA_RUNTIME);
}

export interface InvokeOptions {
  /** What `context.getRemainingTimeInMillis()` starts at: the function timeout. @default 30000 @unit ms */
  readonly remainingMs?: number;
  /** Streaming only: the Runtime API drops the response connection after this many chunks. @default - never */
  readonly dropStreamAfterChunks?: number;
}

export interface BufferedResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly json: any;
  readonly outcome: InvocationOutcome;
}

export interface SseEventAt {
  readonly event: string;
  readonly data: any;
  /** When the chunk that completed this event reached the Runtime API. @unit ms, performance.now() */
  readonly at: number;
}

export interface StreamedResult {
  readonly contentType: string;
  /** Status and headers from the HTTP-integration prelude. */
  readonly prelude: { statusCode: number; headers: Record<string, string> };
  /** The body after the prelude. */
  readonly body: string;
  readonly chunks: readonly StreamChunk[];
  readonly events: readonly SseEventAt[];
  readonly outcome: InvocationOutcome;
}

/** One function configuration: an environment per export, started on first use. */
export class ZipFunction {
  private readonly functions = new Map<Export, LocalFunction>();
  /** Every line the function wrote (stdout and stderr), in order. */
  readonly output: string[] = [];
  /** How many lines of `output` assertEmf has checked. */
  private checkedLines = 0;

  constructor(
    readonly environment: Readonly<Record<string, string>>,
    private readonly node: NodeBinary = nodeUnderTest(),
  ) {}

  /** Starts an export's execution environment (its init, prefetch included) without invoking it. Returns the init time. @unit ms */
  warm(exportName: Export = 'buffered'): Promise<number> {
    return this.fn(exportName).warm();
  }

  /** Invokes the buffered export (`index.handler`) and reads the result as a Function URL would. */
  async invoke(event: unknown, options: InvokeOptions = {}): Promise<BufferedResult> {
    const { outcome } = await this.fn('buffered').invoke({ event, timeoutMs: options.remainingMs ?? DEFAULT_REMAINING_MS });
    const http = httpResponseOf(outcome);
    const body = http.body.toString('utf8');
    return { statusCode: http.status, headers: flatten(http.headers), body, json: parseJson(body), outcome };
  }

  /** Invokes another export with any event (not through a Function URL): what the runtime client got back. */
  async invokeExport(exportName: Exclude<Export, 'buffered' | 'streaming'>, event: unknown, options: InvokeOptions = {}): Promise<InvocationOutcome> {
    const { outcome } = await this.fn(exportName).invoke({ event, timeoutMs: options.remainingMs ?? DEFAULT_REMAINING_MS });
    return outcome;
  }

  /** Invokes the streaming export (`index.streamHandler`) and splits prelude, body and SSE events. */
  async stream(event: unknown, options: InvokeOptions = {}): Promise<StreamedResult> {
    const { outcome } = await this.fn('streaming').invoke({
      event,
      timeoutMs: options.remainingMs ?? DEFAULT_REMAINING_MS,
      dropStreamAfterChunks: options.dropStreamAfterChunks,
    });
    if (outcome.kind !== 'stream') throw new Error(`The streaming export did not stream: ${JSON.stringify(outcome)}`);
    if (outcome.contentType !== HTTP_INTEGRATION_CONTENT_TYPE)
      throw new Error(`The stream has content type ${outcome.contentType}, not the HTTP integration prelude.`);
    const parts = splitPrelude(outcome.body);
    if (!parts) throw new Error(`The stream has no complete prelude: ${outcome.body.toString('utf8').slice(0, 200)}`);
    return {
      contentType: outcome.contentType,
      prelude: { statusCode: parts.prelude.statusCode ?? 200, headers: parts.prelude.headers ?? {} },
      body: parts.body.toString('utf8'),
      chunks: outcome.chunks,
      events: sseEvents(outcome.chunks),
      outcome,
    };
  }

  /** The request log lines (`"message":"request"`) written so far, once at least `count` have arrived. */
  async requestLogs(count = 1, timeoutMs = 2_000): Promise<Array<Record<string, any>>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.jsonLines().filter((line) => line.message === 'request');
      if (lines.length >= count || Date.now() > until) return lines;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Every line the function wrote that is a JSON object. */
  jsonLines(): Array<Record<string, any>> {
    return this.output.flatMap((line) => {
      const json = parseJson(line);
      return json && typeof json === 'object' ? [json as Record<string, any>] : [];
    });
  }

  /** Kills the execution environment of an export with SIGKILL, as an out-of-memory kill would: the invocation in flight ends as a crash. */
  kill(exportName: Export): void {
    const pid = this.functions.get(exportName)?.pid;
    if (pid === undefined) throw new Error(`No execution environment of ${exportName} is running.`);
    process.kill(pid, 'SIGKILL');
  }

  /** Stops both environments: the next invocation is a cold start, with empty caches. */
  async restart(): Promise<void> {
    const running = [...this.functions.values()];
    this.functions.clear();
    await Promise.all(running.map((fn) => fn.close()));
  }

  /**
   * Stops both environments, then checks every line the function wrote as
   * CloudWatch would: each JSON line of ours must be valid embedded metric
   * format (the runtime client's own lines carry `requestId`).
   */
  async close(): Promise<void> {
    await this.restart();
    this.assertEmf();
  }

  /** Forgets the lines written so far, once they are checked. */
  clearOutput(): void {
    this.assertEmf();
    this.output.length = 0;
    this.checkedLines = 0;
  }

  /**
   * Checks the lines written so far as CloudWatch would: each JSON line of
   * ours must be valid embedded metric format (the runtime client's own
   * lines carry `requestId`). Lines checked once are not checked again.
   */
  assertEmf(): void {
    const fresh = this.output.slice(this.checkedLines);
    this.checkedLines = this.output.length;
    const invalid = fresh.flatMap((line) => {
      const json = parseJson(line);
      if (!json || typeof json !== 'object' || 'requestId' in json) return [];
      const problems = emfProblems(line);
      return problems.length > 0 ? [`${problems.join('; ')}: ${line.slice(0, 300)}`] : [];
    });
    if (invalid.length > 0) throw new Error(`The function wrote ${invalid.length} line(s) that are not valid EMF:\n${invalid.join('\n')}`);
  }

  private fn(exportName: Export): LocalFunction {
    let fn = this.functions.get(exportName);
    if (!fn) {
      fn = new LocalFunction({
        taskRoot: testArtifact().taskRoot,
        handler: HANDLERS[exportName],
        node: this.node,
        environment: this.environment,
        onLog: (line) => this.output.push(line),
      });
      this.functions.set(exportName, fn);
    }
    return fn;
  }
}

/** The local stand-ins a describe block's function talks to. */
export interface LocalServices {
  /** The Messages API (and Bedrock's InvokeModel) stand-in. */
  readonly api: string;
  /** Secrets Manager, holding TEST_API_KEY under TEST_SECRET_ARN. */
  readonly secretsManager: string;
  /** DynamoDB holding the state table (only with `{ state: true }`). */
  readonly dynamodb?: { readonly url: string; readonly tableName: string };
}

/**
 * anthropicEnv with the state table: the table's name and the local
 * DynamoDB endpoint, as the stack and the SDK's standard variable set them.
 */
export function stateEnv(services: LocalServices, extra: Record<string, string> = {}): Record<string, string> {
  if (!services.dynamodb) throw new Error('stateEnv needs withZipRuntime(..., { state: true }), which starts the local DynamoDB.');
  return anthropicEnv(services, {
    STATE_TABLE_NAME: services.dynamodb.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamodb.url,
    STATE_CALL_TIMEOUT_MS: String(LOCAL_STATE_CALL_TIMEOUT_MS),
    ...extra,
  });
}

export const TEST_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:anthropic-api-key-AbCdEf';
export const TEST_API_KEY = 'sk-ant-local-test';

/**
 * What the stack deploys for llm_provider = "anthropic": the key's secret
 * ARN, read from the local Secrets Manager; the model API at the local stand-in.
 */
export function anthropicEnv(services: LocalServices, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LLM_PROVIDER: 'anthropic',
    MODEL_ID: 'claude-sonnet-5-5',
    ANTHROPIC_API_KEY_SECRET_ARN: TEST_SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: services.secretsManager,
    ANTHROPIC_BASE_URL: services.api,
    ...extra,
  };
}

export interface LocalServiceOptions {
  /** Start a local DynamoDB (dynalite) with the state table too. @default false */
  readonly state?: boolean;
}

/** The Messages API and Secrets Manager stand-ins (and DynamoDB when asked), started together. */
export async function startLocalServices(options: LocalServiceOptions = {}): Promise<{
  api: MessagesApiServer;
  secrets: SecretsManagerServer;
  dynamodb?: DynamoDbServer;
  urls: LocalServices;
  close(): Promise<void>;
}> {
  const [api, secrets, dynamodb] = await Promise.all([
    startMessagesApi(),
    startSecretsManager(TEST_SECRET_ARN, TEST_API_KEY),
    options.state ? startDynamoDb() : undefined,
  ]);
  return {
    api,
    secrets,
    dynamodb,
    urls: { api: api.url, secretsManager: secrets.url, ...(dynamodb ? { dynamodb: { url: dynamodb.url, tableName: dynamodb.tableName } } : {}) },
    close: async () => void (await Promise.all([api.close(), secrets.close(), dynamodb?.close()])),
  };
}

export interface ZipTestContext {
  /** The local Messages API of this describe block, reset before each test. */
  readonly api: MessagesApiServer;
  /** The local Secrets Manager of this describe block. */
  readonly secrets: SecretsManagerServer;
  /** The local DynamoDB of this describe block (`{ state: true }`), emptied before each test. */
  readonly dynamodb: DynamoDbServer;
  /** The function of the current test. */
  readonly fn: ZipFunction;
  invoke(event: unknown, options?: InvokeOptions): Promise<BufferedResult>;
  stream(event: unknown, options?: InvokeOptions): Promise<StreamedResult>;
  /** Runs the rest of this test with `envFor(api.url)` merged with `extra` (a new execution environment). */
  useEnv(extra: Record<string, string>): Promise<void>;
}

/**
 * Registers the hooks most artifact tests share: the local stand-ins for the
 * describe block, and the zip under the runtime client with the block's
 * environment, kept warm across tests that use it and replaced for tests that
 * change it. Servers and processes stop in afterAll.
 */
export function withZipRuntime(
  envFor: (services: LocalServices) => Record<string, string> = (services) => anthropicEnv(services),
  options: LocalServiceOptions = {},
): ZipTestContext {
  let services: Awaited<ReturnType<typeof startLocalServices>> | undefined;
  let standard: ZipFunction | undefined;
  let current: ZipFunction | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only available inside a test`);
    return value;
  };
  beforeAll(async () => {
    services = await startLocalServices(options);
    standard = new ZipFunction(envFor(services.urls));
  });
  afterAll(async () => {
    await Promise.all([standard?.close(), current !== standard ? current?.close() : undefined, services?.close()]);
  });
  beforeEach(async () => {
    await ready(services, 'services').dynamodb?.clear();
    ready(services, 'api').api.reset();
    ready(standard, 'fn').clearOutput();
    current = standard;
  });
  afterEach(async () => {
    // Every line a test made the function write is valid EMF: checked here, so a failure names the test.
    if (current !== standard) await current?.close();
    standard?.assertEmf();
  });
  return {
    get api() {
      return ready(services, 'api').api;
    },
    get secrets() {
      return ready(services, 'secrets').secrets;
    },
    get dynamodb() {
      return ready(ready(services, 'dynamodb').dynamodb, 'dynamodb (withZipRuntime(..., { state: true }))');
    },
    get fn() {
      return ready(current, 'fn');
    },
    invoke: (event, options) => ready(current, 'fn').invoke(event, options),
    stream: (event, options) => ready(current, 'fn').stream(event, options),
    async useEnv(extra) {
      if (current !== standard) await current?.close();
      current = new ZipFunction({ ...envFor(ready(services, 'services').urls), ...extra });
    },
  };
}

function sseEvents(chunks: readonly StreamChunk[]): SseEventAt[] {
  const reader = new SseReader();
  const decoder = new TextDecoder();
  const events: SseEventAt[] = [];
  let preludeDone = false;
  let pending = Buffer.alloc(0);
  for (const chunk of chunks) {
    let bytes = chunk.bytes;
    if (!preludeDone) {
      pending = Buffer.concat([pending, bytes]);
      const parts = splitPrelude(pending);
      if (!parts) continue;
      preludeDone = true;
      bytes = parts.body;
    }
    for (const event of reader.push(decoder.decode(bytes, { stream: true }))) events.push({ event: event.event, data: parseJson(event.data), at: chunk.at });
  }
  return events;
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function flatten(headers: Readonly<Record<string, string | string[]>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
}
