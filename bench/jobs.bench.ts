/**
 * Jobs: how fast POST /jobs answers 202, against a synchronous POST /agent
 * on the same zip and state table; and how long a queued job waits before
 * the worker's first model call, against how long POST /agent takes to
 * reach its model call. Local stand-ins on 127.0.0.1: SQS (long polls, as
 * the event source mapping), DynamoDB (dynalite), the Messages API with no
 * latency. On AWS add SQS's and DynamoDB's own latency and the mapping's
 * polling (Lambda documents no figure; typically tens of milliseconds).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventSourceMapping, type Delivery } from '../src/dev/lambda/event-source-mapping';
import { httpResponseOf } from '../src/dev/lambda/function-url';
import { LOCAL_CREDENTIALS } from '../src/dev/lambda/execution-environment';
import { startDynamoDb } from '../src/dev/stand-ins/dynamodb';
import { startSecretsManager } from '../src/dev/stand-ins/secrets-manager';
import { localQueueArn, startSqs } from '../src/dev/stand-ins/sqs';
import { startMessagesApi } from '../src/dev/stand-ins/messages-api';
import { formatRows, median, percentile, type Row } from './lib';
import { anthropicBenchEnv, BENCH_SECRET_ARN, benchNode, buildZip, functionUrlEvent, zipFunction } from './zip-function';

const SUBMITS = 200;
const JOBS = 60;
const QUEUE = 'bench-jobs';

export async function benchJobs(): Promise<Row[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-bench-jobs-'));
  const [api, secrets, dynamodb, sqs] = await Promise.all([
    startMessagesApi(),
    startSecretsManager(BENCH_SECRET_ARN, 'sk-bench'),
    startDynamoDb(),
    startSqs(LOCAL_CREDENTIALS),
  ]);
  const queueUrl = sqs.createQueue(QUEUE, { visibilityTimeoutSeconds: 60 });
  const env = {
    ...anthropicBenchEnv(api.url, secrets.url),
    ASYNC_JOBS_ENABLED: 'true',
    STATE_TABLE_NAME: dynamodb.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    JOBS_QUEUE_URL: queueUrl,
    AWS_ENDPOINT_URL_SQS: sqs.url,
  };
  const node = benchNode();
  const mapping = new EventSourceMapping({ endpoint: sqs.url, queueUrl, queueArn: localQueueArn(QUEUE) });
  try {
    api.setDefault({ kind: 'message', content: [{ type: 'text', text: 'The answer is forty-two.' }] });
    const { taskRoot } = await buildZip(path.join(dir, 'agent'));
    const agent = zipFunction(taskRoot, 'index.handler', env, node);
    const worker = zipFunction(taskRoot, 'index.jobHandler', env, node);
    const answer = async (event: unknown, status: number): Promise<void> => {
      const { outcome } = await agent.invoke({ event, timeoutMs: 60_000 });
      const got = outcome.kind === 'response' ? httpResponseOf(outcome).status : outcome.kind;
      if (got !== status) throw new Error(`expected ${status}, got ${got}: ${JSON.stringify(outcome).slice(0, 500)}`);
    };
    const submit = () => answer(functionUrlEvent('q', '/jobs'), 202);

    // Deliveries, one at a time, as a mapping with batch size 1 and one poller.
    let delivered: ((d: Delivery) => void) | undefined;
    mapping.start(async (event, remainingMs) => (await worker.invoke({ event, timeoutMs: remainingMs ?? 60_000 })).outcome, {
      remainingMs: 60_000,
      onDelivery: (d) => delivered?.(d),
      onError: (error) => process.stderr.write(`bench: polling failed: ${String(error)}\n`),
    });
    const nextDelivery = () => new Promise<Delivery>((resolve) => (delivered = resolve));

    // Warm both functions (and the table, the queue, the client pools).
    for (let i = 0; i < 10; i += 1) {
      const done = nextDelivery();
      await submit();
      const d = await done;
      if (d.returned) throw new Error(`warm-up job was not completed: ${JSON.stringify(d.outcome).slice(0, 500)}`);
      await answer(functionUrlEvent('q'), 200);
    }

    // POST /jobs → 202, against POST /agent → 200 (state on for both), interleaved; the worker drains between.
    const accepted: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < SUBMITS; i += 1) {
      const done = nextDelivery();
      let t = performance.now();
      await submit();
      accepted.push(performance.now() - t);
      await done;
      t = performance.now();
      await answer(functionUrlEvent('q'), 200);
      answered.push(performance.now() - t);
    }

    // Enqueue (the 202) → the worker's first model call, against a POST /agent's start → its model call.
    const queued: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < JOBS; i += 1) {
      const done = nextDelivery();
      const before = api.requests.length;
      await submit();
      const enqueuedAt = Date.now();
      await done;
      queued.push(api.requests[before].receivedAt - enqueuedAt);
      const startedAt = Date.now();
      const again = api.requests.length;
      await answer(functionUrlEvent('q'), 200);
      direct.push(api.requests[again].receivedAt - startedAt);
    }
    await Promise.all([agent.close(), worker.close()]);

    return [
      { name: `POST /jobs → 202, warm p50 (${SUBMITS})`, value: median(accepted), unit: 'ms', baselineName: 'POST /agent → 200', baseline: median(answered) },
      { name: 'POST /jobs → 202, warm p99', value: percentile(accepted, 99), unit: 'ms', baselineName: 'POST /agent p99', baseline: percentile(answered, 99) },
      {
        name: `enqueue → worker's model call p50 (${JOBS})`,
        value: median(queued),
        unit: 'ms',
        baselineName: 'POST /agent start → its model call',
        baseline: median(direct),
      },
      {
        name: "enqueue → worker's model call p95",
        value: percentile(queued, 95),
        unit: 'ms',
        baselineName: 'POST /agent p95',
        baseline: percentile(direct, 95),
      },
    ];
  } finally {
    await mapping.close();
    await Promise.all([api.close(), secrets.close(), dynamodb.close(), sqs.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run alone: `npx tsx bench/jobs.bench.ts`. */
if (require.main === module) void benchJobs().then((rows) => process.stdout.write(`${formatRows('jobs', rows)}\n`));
