/**
 * `npm run dev [-- options]`: builds the zip and serves it on
 * http://127.0.0.1:3000 as its Function URL would: the zip unpacked and run by
 * Lambda's runtime interface client on Lambda's Node, buffered or streaming,
 * rebuilt when src/function changes. With ASYNC_JOBS_ENABLED, POST /jobs
 * queues to a local SQS queue that a local worker (index.jobHandler, same
 * zip) consumes as Lambda's event source mapping would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BuildError } from '../../build/errors';
import { build } from '../../build/pipeline';
import { invokeModeOf, wholeNumber } from './args';
import { unpackZip } from '../../build/zip';
import { functionEnvironment, type FunctionEnvironment } from './function-environment';
import { hostNode, lambdaNode, MissingToolError, type NodeBinary } from './lambda/binaries';
import { chatPage } from './chat/page';
import { EventSourceMapping } from './lambda/event-source-mapping';
import { DEFAULT_CONCURRENCY, FunctionPool } from './lambda/function-pool';
import { LocalFunction } from './lambda/local-function';
import { cannedReply } from './stand-ins/canned-model';
import { startMessagesApi } from './stand-ins/messages-api';
import { startDevServer } from './server';
import { watchTree, type TreeWatcher } from './watch-tree';
import { SETTINGS } from '../function/settings/table';

const USAGE = `Usage: npm run dev -- [options]

  --port <n>              port on 127.0.0.1 (default 3000, or PORT; 0 picks a free one)
  --invoke-mode <mode>    BUFFERED (default) or RESPONSE_STREAM
  --timeout <seconds>     function timeout: each request's deadline (default 120)
  --memory <mb>           memory the function is told it has (default 512)
  --concurrency <n>       execution environments that may run at once, as the function's
                          concurrency: started on demand, reused warm, 429 beyond (default 4)
  --mock-model            answer from a local stand-in of the Messages API with canned answers
                          (tool calls and streaming included): no key, no account, no bill
  --mcp-demo              start a demo MCP server (an order book) and offer its tools
                          demo__lookup_order and demo__list_orders, beside MCP_SERVERS
  --job-timeout <seconds> the jobs worker's timeout, with ASYNC_JOBS_ENABLED=true (default 900)
  --no-watch              do not rebuild when src/function changes

Open the server's address in a browser for a chat page (GET /; the function never sees it).

The function's settings come from your shell (LLM_PROVIDER, MODEL_ID, MAX_ITERATIONS, ...).
Model access: ANTHROPIC_API_KEY (served to the function by a local Secrets Manager), or
ANTHROPIC_API_KEY_SECRET_ARN, or LLM_PROVIDER=bedrock, both with your AWS credentials, or
--mock-model. Without any the server still starts and POST /agent answers 502 naming what is missing.`;

const ROOT = path.resolve(__dirname, '..', '..');
const WATCH_DEBOUNCE_MS = 200;
const LAMBDA_RUNTIME = 'nodejs22.x';

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'invoke-mode': { type: 'string' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      'job-timeout': { type: 'string' },
      concurrency: { type: 'string' },
      'mock-model': { type: 'boolean', default: false },
      'mcp-demo': { type: 'boolean', default: false },
      'no-watch': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = wholeNumber(values.port ?? process.env.PORT ?? '3000', '--port', 0, 65535);
  const invokeMode = invokeModeOf(values['invoke-mode']);
  const timeoutSeconds = wholeNumber(values.timeout ?? '120', '--timeout', 1, 900);
  const memoryMb = wholeNumber(values.memory ?? '512', '--memory', 128, 10240);
  const jobTimeoutSeconds = wholeNumber(values['job-timeout'] ?? '900', '--job-timeout', 10, 900);
  const concurrency = wholeNumber(values.concurrency ?? String(DEFAULT_CONCURRENCY), '--concurrency', 1, 64);
  const node = pickNode();

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-agent-dev-'));
  const mock = values['mock-model'] ? await startMessagesApi({ responder: cannedReply }) : undefined;
  const env = await functionEnvironment(process.env, { jobTimeoutSeconds, mcpDemo: values['mcp-demo'], ...(mock ? { mockModelUrl: mock.url } : {}) });
  const serve = async (): Promise<{ fn: FunctionPool; worker?: LocalFunction; sha256: string }> => {
    const result = await build({ root: ROOT });
    const taskRoot = path.join(workDir, result.manifest.sha256);
    if (!fs.existsSync(taskRoot)) unpackZip(fs.readFileSync(result.zipPath), taskRoot);
    // What a function writes is what CloudWatch would receive; the worker's lines are prefixed, as its own log group would hold them.
    const options = (handler: string, prefix: string) => ({
      taskRoot,
      handler,
      node,
      environment: env.environment,
      credentials: env.credentials,
      region: env.region,
      memoryMb,
      runtime: LAMBDA_RUNTIME,
      onLog: (line: string) => process.stdout.write(`${prefix}${line}\n`),
    });
    const fn = new FunctionPool({
      ...options(invokeMode === 'RESPONSE_STREAM' ? result.manifest.handlers.streaming : result.manifest.handlers.buffered, ''),
      concurrency,
    });
    // The worker: the same zip in its own execution environment.
    const worker = env.jobs ? new LocalFunction(options(result.manifest.handlers.jobs, 'jobs | ')) : undefined;
    return { fn, ...(worker ? { worker } : {}), sha256: result.manifest.sha256 };
  };

  let current = await serve();
  const authType = (env.environment.FUNCTION_URL_AUTH_TYPE ?? SETTINGS.FUNCTION_URL_AUTH_TYPE.default) === 'NONE' ? 'NONE' : 'AWS_IAM';
  const page = chatPage({
    invokeMode,
    concurrency,
    sessions: env.sessions,
    mockModel: mock !== undefined,
    tokenNeeded: authType === 'NONE' && Boolean(env.environment.AUTH_TOKEN_SHA256),
    modelAccess: env.modelAccess,
  });
  const server = await startDevServer({ port, invokeMode, timeoutSeconds, authType, target: () => current.fn, page: () => page });
  // The banner is one write, so whoever reads the first line (a test, a script) has the whole of it.
  const banner = [
    `dev server listening on ${server.url} (${invokeMode}), serving dist/function.zip sha256 ${current.sha256.slice(0, 12)}`,
    `chat page: ${server.url}/ (open it in a browser)`,
    `runtime: aws-lambda-ric on ${node.label} ${node.version}, up to ${concurrency} execution environments (--concurrency), 429 beyond`,
    `model access: ${env.modelAccess}`,
  ];
  if (mock) banner.push('mock model: every answer is CANNED; start without --mock-model for a real model');
  if (env.stateAccess) banner.push(`state: ${env.stateAccess}`);
  if (env.mcpAccess) banner.push(`mcp servers: ${env.mcpAccess}`);
  let mapping: EventSourceMapping | undefined;
  if (env.jobs) {
    mapping = new EventSourceMapping({ endpoint: env.jobs.endpoint, queueUrl: env.jobs.queueUrl, queueArn: env.jobs.queueArn, region: env.region });
    mapping.start(async (event, remainingMs) => (await current.worker!.invoke({ event, timeoutMs: remainingMs ?? jobTimeoutSeconds * 1000 })).outcome, {
      remainingMs: jobTimeoutSeconds * 1000,
      onDelivery: (d) =>
        process.stdout.write(
          `jobs | delivered message ${d.message.MessageId}: ${d.outcome.kind}, ${d.returned ? 'returned to the queue (retried after its visibility timeout)' : 'deleted'}\n`,
        ),
      onError: (error) => process.stderr.write(`jobs | polling the local queue failed: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    banner.push(`jobs: ${env.jobs.describe}`);
  }
  if (authType === 'AWS_IAM') banner.push('auth: AWS_IAM; locally every request counts as signed by the local account (signatures are not checked)');
  process.stdout.write(`${banner.join('\n')}\n`);

  const rebuild = async () => {
    try {
      const previous = current;
      current = await serve();
      void previous.fn.close();
      void previous.worker?.close();
      process.stdout.write(`rebuilt: sha256 ${current.sha256.slice(0, 12)}\n`);
    } catch (error) {
      process.stderr.write(`rebuild failed, still serving the previous build:\n${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  let watcher: TreeWatcher | undefined;
  if (!values['no-watch']) {
    let timer: NodeJS.Timeout | undefined;
    watcher = watchTree(path.join(ROOT, 'src', 'function'), () => {
      clearTimeout(timer);
      timer = setTimeout(() => void rebuild(), WATCH_DEBOUNCE_MS);
    });
  }

  // Ctrl-C, a SIGTERM (npm forwards it: the script execs tsx, which relays it here), or the terminal closing.
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  watcher?.close();
  await server.close();
  // A job under way ends with the dev server (its queue does too): stop polling, end the worker's environment.
  const polling = mapping?.close();
  const workerPid = current.worker?.pid;
  if (workerPid !== undefined) process.kill(workerPid, 'SIGKILL');
  await polling;
  await Promise.all([current.fn.close(), current.worker?.close()]);
  await closeQuietly(env);
  await mock?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
  return 0;
}

/** Lambda's Node major when it is installed (Linux, after `npm ci`), else this machine's, said out loud. */
function pickNode(): NodeBinary {
  try {
    return lambdaNode(LAMBDA_RUNTIME);
  } catch (error) {
    if (!(error instanceof MissingToolError)) throw error;
    const node = hostNode();
    process.stderr.write(`warning: ${error.message}\nServing on ${node.label} ${node.version} instead.\n`);
    return node;
  }
}

async function closeQuietly(env: FunctionEnvironment): Promise<void> {
  await env.close().catch(() => undefined);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof BuildError ? `error [${error.code}]: ${error.message}` : `error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    process.exit(1);
  },
);
