/**
 * Jobs (async_jobs_enabled), through the built zip under the runtime client:
 * the API export answers POST/GET/DELETE /jobs, the worker export
 * (`index.jobHandler`) consumes the SQS events Lambda's event source
 * mapping builds, against real local services on 127.0.0.1: SQS (AWS JSON
 * 1.0, redrive included), DynamoDB (dynalite) and EventBridge.
 */
import { randomBytes } from 'node:crypto';
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import { metricValue } from '../helpers/emf';
import { agentEvent, asCaller, eventFixture, withRoute, type FunctionUrlEventFixture } from '../helpers/events';
import { EventSourceMapping, type Worker } from '../../src/dev/lambda/event-source-mapping';
import { stateEnv, withZipRuntime, type BufferedResult } from '../helpers/zip-runtime';
import { startEventBridge, type EventBridgeServer } from '../fixtures/servers/eventbridge';
import { localQueueArn, startSqs, type SqsServer } from '../../src/dev/stand-ins/sqs';
import type { Reply } from '../../src/dev/stand-ins/messages-api';
import { startFaultProxy } from '../fixtures/servers/fault-proxy';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';
const QUEUE = 'agent-jobs';
const DLQ = 'agent-jobs-dlq';
/** The worker's timeout in these tests (the runtime client's default): a crashed attempt's lease lasts that long. @unit ms */
const WORKER_TIMEOUT_MS = 30_000;

const text = (value: string, extra: Partial<Extract<Reply, { kind: 'message' }>> = {}): Reply => ({
  kind: 'message',
  content: [{ type: 'text', text: value }],
  ...extra,
});
const submit = (body: unknown, caller = ALICE, headers: Record<string, string> = {}): FunctionUrlEventFixture => {
  const event = withRoute(agentEvent(body), 'POST', '/jobs');
  return asCaller({ ...event, headers: { ...event.headers, ...headers } }, caller);
};
const jobRoute = (method: 'GET' | 'DELETE', id: string, caller = ALICE): FunctionUrlEventFixture =>
  asCaller(withRoute(eventFixture('get-health'), method, `/jobs/${id}`), caller);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('jobs', () => {
  let sqs: SqsServer;
  let events: EventBridgeServer;
  let queueUrl: string;
  let esm: EventSourceMapping;
  // Started before the function's environment is built from their addresses.
  beforeAll(async () => {
    [sqs, events] = await Promise.all([startSqs(LOCAL_CREDENTIALS), startEventBridge(LOCAL_CREDENTIALS)]);
    sqs.createQueue(DLQ);
    queueUrl = sqs.createQueue(QUEUE, { visibilityTimeoutSeconds: 1, redrive: { deadLetterQueue: localQueueArn(DLQ), maxReceiveCount: 3 } });
    esm = new EventSourceMapping({ endpoint: sqs.url, queueUrl, queueArn: localQueueArn(QUEUE) });
  });
  const ctx = withZipRuntime(
    (services) =>
      stateEnv(services, {
        ASYNC_JOBS_ENABLED: 'true',
        JOBS_QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL_SQS: sqs.url,
        AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
        JOB_EVENT_SOURCE: 'agent',
      }),
    { state: true },
  );
  afterAll(async () => {
    await esm.close();
    await Promise.all([sqs.close(), events.close()]);
  });
  beforeEach(() => {
    sqs.purge();
    events.events.length = 0;
  });
  afterEach(() => {
    expect(sqs.refused).toEqual([]);
    expect(events.refused).toEqual([]);
  });

  const submitted = async (body: unknown = { input: 'Summarise the report.' }, caller = ALICE): Promise<string> => {
    const response = await ctx.invoke(submit(body, caller));
    if (response.statusCode !== 202) throw new Error(`POST /jobs answered ${response.statusCode}: ${response.body}`);
    return response.json.job_id as string;
  };
  /** The worker export of the current zip function, as the mapping invokes it. */
  const worker = (): Worker => (event, remainingMs) => ctx.fn.invokeExport('jobs', event, remainingMs === undefined ? {} : { remainingMs });
  const view = async (id: string, caller = ALICE): Promise<BufferedResult> => ctx.invoke(jobRoute('GET', id, caller));
  const jobLines = () => ctx.fn.jsonLines().filter((line) => line.message === 'job');
  /**
   * The dead attempt's lease, checked to last until its deadline, then moved
   * into the past as the clock would after WORKER_TIMEOUT_MS (the test does
   * not wait 30 s for it).
   */
  const endLease = async (id: string, caller = ALICE): Promise<void> => {
    const item = await ctx.dynamodb.item(`CALLER#iam:${caller}`, `JOB#${id}`);
    const until = Number(item?.lease_expires_at?.N);
    expect(until).toBeGreaterThan(Date.now() + WORKER_TIMEOUT_MS - 5_000);
    await ctx.dynamodb.put({ ...item!, lease_expires_at: { N: String(Date.now() - 1) } });
  };
  /** Waits for the worker's first model call; if the delivery ends first, fails with what the worker wrote. */
  const modelCallOf = async (delivering: Promise<unknown>): Promise<void> => {
    let settled = false;
    void delivering.finally(() => (settled = true)).catch(() => undefined);
    await until('the model call', () => {
      if (ctx.api.requests.length >= 1) return true;
      if (settled) throw new Error(`The worker finished without calling the model:\n${ctx.fn.output.slice(-10).join('\n')}`);
      return false;
    });
  };

  test('with async_jobs_enabled off, /jobs is a 404 that names the variable', async () => {
    await ctx.useEnv({ ASYNC_JOBS_ENABLED: 'false' });
    for (const event of [submit({ input: 'hi' }), jobRoute('GET', '0'.repeat(32))]) {
      const response = await ctx.invoke(event);
      expect(response.statusCode).toBe(404);
      expect(response.json.error.message).toContain('async_jobs_enabled = true');
    }
  });

  test('POST /jobs answers 202 before any model call; the message names the job, the request stays in the table', async () => {
    const response = await ctx.invoke(submit({ input: 'Summarise the report.' }));
    expect(response.statusCode).toBe(202);
    const id = response.json.job_id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(response.json).toEqual({ job_id: id, status: 'queued', status_url: `/jobs/${id}` });
    expect(response.headers.location).toBe(`/jobs/${id}`);
    expect(ctx.api.requests).toHaveLength(0);
    expect(sqs.bodies(QUEUE).map((b) => JSON.parse(b))).toEqual([{ job_id: id, caller: `iam:${ALICE}` }]);
    expect((await view(id)).json).toEqual({ job_id: id, status: 'queued', created_at: expect.any(String), started_at: null, finished_at: null, attempts: 0 });
  });

  test('the worker runs the job: running while it works, then succeeded with exactly what POST /agent returns', async () => {
    ctx.api.enqueue(text('The report says 42.', { firstByteDelayMs: 400 }), text('The report says 42.'));
    const id = await submitted();
    const delivering = esm.deliver(worker());
    await modelCallOf(delivering);
    const running = (await view(id)).json;
    expect(running).toMatchObject({ status: 'running', attempts: 1, finished_at: null });
    const delivery = await delivering;
    expect(delivery?.outcome.kind).toBe('response');
    expect(JSON.parse((delivery!.outcome as { payload: Buffer }).payload.toString())).toEqual({ batchItemFailures: [] });
    expect(delivery?.returned).toBe(false);
    expect(sqs.bodies(QUEUE)).toEqual([]);

    const done = (await view(id)).json;
    expect(done.status).toBe('succeeded');
    expect(Date.parse(done.created_at)).toBeLessThanOrEqual(Date.parse(done.started_at));
    expect(Date.parse(done.started_at)).toBeLessThanOrEqual(Date.parse(done.finished_at));
    const direct = await ctx.invoke(asCaller(agentEvent({ input: 'Summarise the report.' }), ALICE));
    const { request_id: jobRequestId, ...jobResult } = done.result;
    const { request_id: directRequestId, ...directResult } = direct.json;
    expect(jobRequestId).toEqual(expect.any(String));
    expect(directRequestId).not.toBe(jobRequestId);
    expect(jobResult).toEqual(directResult);
    expect(ctx.api.requests[0].body).toEqual(ctx.api.requests[1].body);

    const [line] = jobLines();
    expect(line).toMatchObject({ level: 'INFO', job_id: id, caller: `iam:${ALICE}`, status: 'succeeded', attempt: 1, receive_count: 1, input_tokens: 25 });
    expect(line.queue_delay_ms).toBeGreaterThanOrEqual(0);
    expect(metricValue(line, 'Jobs', ['FunctionName'])).toBe(1);
    expect(metricValue(line, 'OutputTokens', ['FunctionName'])).toBe(12);
  });

  test('a job naming a model tier runs on that tier’s model, and a tier that does not exist is refused at submission', async () => {
    await ctx.useEnv({ MODEL_ID: '', MODEL_TIERS: JSON.stringify({ fast: 'claude-haiku-4-5', deep: 'claude-opus-4-5' }), DEFAULT_MODEL_TIER: 'fast' });
    ctx.api.enqueue(text('Done deeply.'));
    const id = await submitted({ input: 'Summarise the report.', model: 'deep' });
    await esm.deliver(worker());
    expect(ctx.api.requests.map((r) => r.body.model)).toEqual(['claude-opus-4-5']);
    expect((await view(id)).json).toMatchObject({ status: 'succeeded', result: { model: 'claude-opus-4-5', output: 'Done deeply.' } });
    expect(jobLines()[0]).toMatchObject({ job_id: id, status: 'succeeded', model: 'claude-opus-4-5' });
    const refused = await ctx.invoke(submit({ input: 'Summarise the report.', model: 'claude-opus-4-5' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json.error.message).toBe('`model` must name a model tier: "fast", "deep"; got "claude-opus-4-5".');
    expect(sqs.bodies(QUEUE)).toEqual([]);
  });

  test('a request POST /agent would refuse is refused by POST /jobs, and nothing is queued or stored', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ input: '' }, 400, '`input` must not be empty.'],
      [{ input: 'x', output_schema: { type: 'object', properties: { a: { type: 'nonsense' } } } }, 400, 'output_schema'],
      [{ input: 'x', session_id: 'chat-2026-11-25.a1' }, 400, 'sessions_enabled = true'],
    ];
    for (const [body, status, message] of cases) {
      const asJob = await ctx.invoke(submit(body));
      const asAgent = await ctx.invoke(asCaller(agentEvent(body), ALICE));
      expect([asJob.statusCode, asJob.json.error.type]).toEqual([status, asAgent.json.error.type]);
      expect(asJob.json.error.message).toBe(asAgent.json.error.message);
      expect(asJob.json.error.message).toContain(message);
    }
    const badKey = await ctx.invoke(submit({ input: 'x' }, ALICE, { 'idempotency-key': 'short' }));
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json.error.message).toContain('Idempotency-Key is 8 to 255');
    expect(sqs.bodies(QUEUE)).toEqual([]);
    expect(await ctx.dynamodb.items()).toEqual([]);
  });

  test('a caller whose daily budget is spent gets 429 from POST /jobs, before anything is queued', async () => {
    await ctx.useEnv({ CALLER_DAILY_TOKEN_BUDGET: '30' });
    ctx.api.enqueue(text('spent'));
    expect((await ctx.invoke(asCaller(agentEvent({ input: 'hi' }), ALICE))).statusCode).toBe(200); // 37 tokens of 30
    const refused = await ctx.invoke(submit({ input: 'more' }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json.error.type).toBe('budget_exceeded');
    expect(sqs.bodies(QUEUE)).toEqual([]);
  });

  test('the same Idempotency-Key from the same caller returns the same job; with another body it is a 409', async () => {
    const key = { 'idempotency-key': 'order-7f3a9c1e' };
    const first = await ctx.invoke(submit({ input: 'Once only.' }, ALICE, key));
    const again = await ctx.invoke(submit({ input: 'Once only.' }, ALICE, key));
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json.job_id).toBe(first.json.job_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(sqs.bodies(QUEUE)).toHaveLength(1);

    const changed = await ctx.invoke(submit({ input: 'Something else.' }, ALICE, key));
    expect(changed.statusCode).toBe(409);
    expect(changed.json.error.message).toContain('already used for a different request');
    const bobs = await ctx.invoke(submit({ input: 'Once only.' }, BOB, key));
    expect(bobs.statusCode).toBe(202);
    expect(bobs.json.job_id).not.toBe(first.json.job_id);
    expect(sqs.bodies(QUEUE)).toHaveLength(2);
  });

  test('a replay of an Idempotency-Key while the first request is still sending is a 409 with retry-after, never a job that then vanishes', async () => {
    // Given: a queue whose sends are slow and then fail
    const proxy = await startFaultProxy(sqs.url);
    try {
      proxy.inject({ when: (r) => r.target === 'AmazonSQS.SendMessage', delayMs: 1_500, error: { status: 500, type: 'InternalError' } });
      // The SQS client sends to the queue URL's host: both name the proxy.
      await ctx.useEnv({ AWS_ENDPOINT_URL_SQS: proxy.url, JOBS_QUEUE_URL: queueUrl.replace(sqs.url, proxy.url) });
      // The replay's environment started first, so its cold start does not eat the first request's sending window.
      expect((await ctx.stream(jobRoute('GET', '0'.repeat(32)))).prelude.statusCode).toBe(404);
      const key = { 'idempotency-key': 'refund-5c2e8b90' };
      const body = { input: 'Refund order 5c2e.' };
      // When: the first request is sending, and the client retries with the same key (the other export: its own environment)
      const first = ctx.invoke(submit(body, ALICE, key));
      await until('the first request to store its job', async () => (await ctx.dynamodb.items()).some((i) => i.sk?.S?.startsWith('JOB#')));
      const replay = await ctx.stream(submit(body, ALICE, key));
      // Then: the replay is told to come back, with no job id; the first fails and leaves nothing behind
      expect(replay.prelude.statusCode).toBe(409);
      expect(Number(replay.prelude.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(replay.body).error.message).toContain('still submitting its job');
      expect((await first).statusCode).toBe(503);
      // The first request's send (which may come after the replay's answer) met the failing queue.
      expect(proxy.faulted).toContain('AmazonSQS.SendMessage');
      expect((await ctx.dynamodb.items()).filter((i) => i.sk?.S?.startsWith('JOB#'))).toEqual([]);
      // And once the queue is back, the same key makes a job that is really queued
      proxy.heal();
      const retried = await ctx.invoke(submit(body, ALICE, key));
      expect(retried.statusCode).toBe(202);
      expect(sqs.bodies(QUEUE).map((b) => JSON.parse(b).job_id)).toEqual([retried.json.job_id]);
      expect((await ctx.invoke(submit(body, ALICE, key))).headers['idempotent-replayed']).toBe('true');
    } finally {
      await proxy.close();
    }
  });

  test('a replay after the first request died before sending sends the job itself', async () => {
    // Given: a job stored by a request that died before its send (its submission window is over)
    const key = { 'idempotency-key': 'report-77aa01bc' };
    const body = { input: 'Write the report.' };
    const first = await ctx.invoke(submit(body, ALICE, key));
    const stored = (await ctx.dynamodb.items()).find((i) => i.sk?.S === `JOB#${first.json.job_id}`)!;
    sqs.purge();
    await ctx.dynamodb.put({ ...stored, submit_until: { N: String(Date.now() - 1) } });
    // When: the client retries
    const replay = await ctx.invoke(submit(body, ALICE, key));
    // Then: the same job, now on the queue
    expect(replay.statusCode).toBe(202);
    expect(replay.json.job_id).toBe(first.json.job_id);
    expect(sqs.bodies(QUEUE).map((b) => JSON.parse(b).job_id)).toEqual([first.json.job_id]);
    expect((await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `JOB#${first.json.job_id}`))?.submit_until).toBeUndefined();
  });

  test('a queued job that is cancelled never runs; its delivery logs it and announces it once', async () => {
    await ctx.useEnv({ JOB_EVENTS_ENABLED: 'true' });
    const id = await submitted();
    const [message] = sqs.bodies(QUEUE);
    const cancelled = await ctx.invoke(jobRoute('DELETE', id));
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json).toMatchObject({ job_id: id, status: 'cancelled', started_at: null, finished_at: expect.any(String) });
    const delivery = await esm.deliver(worker());
    expect(delivery?.returned).toBe(false);
    expect(ctx.api.requests).toHaveLength(0);
    expect((await view(id)).json).toEqual(cancelled.json);
    const [line] = jobLines();
    expect(line).toMatchObject({ job_id: id, status: 'cancelled', attempt: 0, iterations: 0, cost_usd: 0, unrun: 'cancelled while queued' });
    expect(line.queue_delay_ms).toBeUndefined();
    expect(metricValue(line, 'JobsCancelled', ['FunctionName'])).toBe(1);
    expect(events.events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ job_id: id, status: 'cancelled', attempts: 0, usage: null, cost_usd: 0, finished_at: cancelled.json.finished_at }),
    ]);

    await esm.send(message); // delivered again: nothing more is logged or announced
    expect((await esm.deliver(worker()))?.returned).toBe(false);
    expect(jobLines()).toHaveLength(1);
    expect(events.events).toHaveLength(1);
    expect(ctx.fn.jsonLines().find((l) => l.message === 'job delivery skipped')).toMatchObject({ job_id: id, why: 'the job is already cancelled' });
  });

  test('a running job that is cancelled stops before its next tool run and keeps what it produced', async () => {
    ctx.api.enqueue(
      {
        kind: 'message',
        content: [
          { type: 'text', text: 'Let me work that out.' },
          { type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '6*7' } },
        ],
        stop_reason: 'tool_use',
        firstByteDelayMs: 600,
      },
      text('never asked'),
    );
    const id = await submitted();
    const delivering = esm.deliver(worker());
    await modelCallOf(delivering);
    const asked = await ctx.invoke(jobRoute('DELETE', id));
    expect(asked.json).toMatchObject({ status: 'running', cancel_requested: true });
    expect((await delivering)?.returned).toBe(false);

    const done = (await view(id)).json;
    expect(done.status).toBe('cancelled');
    expect(done.partial).toMatchObject({ output: 'Let me work that out.', iterations: 1, tool_calls: [] });
    expect(done.error).toBeUndefined();
    expect(ctx.api.requests).toHaveLength(1);
    const [line] = jobLines();
    expect(line).toMatchObject({ status: 'cancelled', iterations: 1, tool_calls: 0 });
    expect(metricValue(line, 'JobsCancelled', ['FunctionName'])).toBe(1);
  });

  test('a message delivered again for a job that already ended does nothing', async () => {
    ctx.api.enqueue(text('done once'));
    const id = await submitted();
    const [message] = sqs.bodies(QUEUE);
    await esm.deliver(worker());
    const before = (await view(id)).json;
    await esm.send(message); // SQS delivers at least once
    const duplicate = await esm.deliver(worker());
    expect(duplicate?.returned).toBe(false);
    expect(ctx.api.requests).toHaveLength(1);
    expect((await view(id)).json).toEqual(before);
    const refused = await ctx.invoke(jobRoute('DELETE', id));
    expect(refused.statusCode).toBe(409);
    expect(refused.json.error.message).toContain('has already ended (succeeded)');
    expect((await view(id)).json).toEqual(before);
  });

  test("a job whose attempt died is retried, not while the dead attempt's lease lasts, and then succeeds", async () => {
    ctx.api.enqueue({ kind: 'hang' }, text('second time lucky'));
    const id = await submitted();
    const first = esm.deliver(worker(), { remainingMs: WORKER_TIMEOUT_MS });
    await modelCallOf(first);
    ctx.fn.kill('jobs');
    const crashed = await first;
    expect(crashed?.outcome.kind).toBe('crash');
    expect(crashed?.returned).toBe(true);

    // Visible again after the 1 s visibility timeout, but the dead attempt's lease still holds the job.
    await sleep(1_100);
    const early = await esm.deliver(worker());
    expect(early?.returned).toBe(true);
    expect(ctx.api.requests).toHaveLength(1);
    expect(ctx.fn.jsonLines().find((l) => l.message === 'job message returned to the queue')).toMatchObject({ why: 'another attempt is running the job' });

    expect((await view(id)).json.status).toBe('running');
    await endLease(id);
    expect((await view(id)).json.status).toBe('queued');
    await sleep(1_100);
    const retried = await esm.deliver(worker());
    expect(retried?.returned).toBe(false);
    const done = (await view(id)).json;
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, result: { output: 'second time lucky' } });
    expect(jobLines().at(-1)).toMatchObject({ attempt: 2, receive_count: 3 });
  });

  test('a job whose last allowed attempt died reads as failed (attempts_exhausted), and its message goes to the dead-letter queue', async () => {
    const lastQueue = 'agent-jobs-once';
    const url = sqs.createQueue(lastQueue, { visibilityTimeoutSeconds: 1, redrive: { deadLetterQueue: localQueueArn(DLQ), maxReceiveCount: 1 } });
    const once = new EventSourceMapping({ endpoint: sqs.url, queueUrl: url, queueArn: localQueueArn(lastQueue) });
    try {
      await ctx.useEnv({ JOBS_QUEUE_URL: url, JOB_MAX_RECEIVE_COUNT: '1' });
      ctx.api.enqueue({ kind: 'hang' });
      const id = await submitted();
      const attempt = once.deliver(worker(), { remainingMs: WORKER_TIMEOUT_MS });
      await modelCallOf(attempt);
      ctx.fn.kill('jobs');
      expect((await attempt)?.outcome.kind).toBe('crash');
      expect((await view(id)).json.status).toBe('running');
      await endLease(id);
      const failed = (await view(id)).json;
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ type: 'attempts_exhausted', message: expect.stringContaining('will not be retried') });
      // An ended job is immutable: DELETE is a 409 naming its status, and the job reads as before
      const refused = await ctx.invoke(jobRoute('DELETE', id));
      expect(refused.statusCode).toBe(409);
      expect(refused.json.error).toMatchObject({
        type: 'conflict',
        message: `Job ${id} has already ended (failed); an ended job cannot be cancelled, and stays as it ended.`,
      });
      expect((await view(id)).json).toEqual(failed);
      await sleep(1_100);
      expect(await once.receive()).toBeUndefined();
      expect(sqs.bodies(DLQ).map((b) => JSON.parse(b).job_id)).toEqual([id]);
    } finally {
      await once.close();
    }
  });

  test('a running job asked to cancel whose attempt then dies is not run again: it reads as cancelled, and the next delivery settles it', async () => {
    await ctx.useEnv({ JOB_EVENTS_ENABLED: 'true' });
    ctx.api.enqueue({ kind: 'hang' }, text('never asked'));
    const id = await submitted();
    const attempt = esm.deliver(worker(), { remainingMs: WORKER_TIMEOUT_MS });
    await modelCallOf(attempt);
    expect((await ctx.invoke(jobRoute('DELETE', id))).json).toMatchObject({ status: 'running', cancel_requested: true });
    ctx.fn.kill('jobs');
    expect((await attempt)?.outcome.kind).toBe('crash');
    await endLease(id);
    const read = (await view(id)).json;
    expect(read).toMatchObject({ status: 'cancelled', attempts: 1, finished_at: expect.any(String) });
    expect(read.cancel_requested).toBeUndefined();

    await sleep(1_100); // the visibility timeout
    expect((await esm.deliver(worker()))?.returned).toBe(false);
    expect(ctx.api.requests).toHaveLength(1);
    expect((await view(id)).json).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(jobLines()).toEqual([
      expect.objectContaining({
        job_id: id,
        status: 'cancelled',
        attempt: 1,
        cost_usd: null,
        unrun: 'its attempt ended without finishing after the cancel was asked',
      }),
    ]);
    expect(events.events.map((e) => e.detail)).toEqual([expect.objectContaining({ job_id: id, status: 'cancelled', attempts: 1, cost_usd: null })]);
  });

  test('job_max_iterations gives a job more model calls than max_iterations gives POST /agent', async () => {
    await ctx.useEnv({ MAX_ITERATIONS: '1', JOB_MAX_ITERATIONS: '3' });
    const toolTurn = (n: number): Reply => ({
      kind: 'message',
      content: [{ type: 'tool_use', id: `toolu_${n}`, name: 'calculator', input: { expression: `${n}+${n}` } }],
      stop_reason: 'tool_use',
    });
    ctx.api.enqueue(toolTurn(1), toolTurn(2), text('Two sums done.'), toolTurn(3));
    const id = await submitted();
    await esm.deliver(worker());
    expect((await view(id)).json.result).toMatchObject({ output: 'Two sums done.', iterations: 3, stop_reason: 'end_turn' });
    const direct = await ctx.invoke(asCaller(agentEvent({ input: 'Summarise the report.' }), ALICE));
    expect(direct.json).toMatchObject({ iterations: 1, stop_reason: 'max_iterations' });
    expect(ctx.api.requests).toHaveLength(4);
  });

  test('a job with a session_id continues that session, as POST /agent would', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true' });
    const session = 'report-thread-1';
    ctx.api.enqueue(text('Noted: the figure is 42.'), text('You told me 42.'));
    const id = await submitted({ input: 'Remember the figure 42.', session_id: session });
    await esm.deliver(worker());
    expect((await view(id)).json.result).toMatchObject({ session_id: session, session_updated: true, output: 'Noted: the figure is 42.' });
    const next = await ctx.invoke(asCaller(agentEvent({ input: 'Which figure?', session_id: session }), ALICE));
    expect(next.json.output).toBe('You told me 42.');
    expect(ctx.api.requests[1].body.messages).toEqual([
      { role: 'user', content: 'Remember the figure 42.' },
      { role: 'assistant', content: 'Noted: the figure is 42.' },
      { role: 'user', content: 'Which figure?' },
    ]);
  });

  test('a job whose session a request holds waits for it, then continues the session', async () => {
    // Given: a job on a session, and a POST /agent on the same session that holds it while the model is slow
    await ctx.useEnv({ SESSIONS_ENABLED: 'true' });
    const session = 'shared-thread-1';
    ctx.api.enqueue(text('Noted: 42.', { firstByteDelayMs: 1_500 }), text('The job saw 42.'));
    const id = await submitted({ input: 'What was the figure?', session_id: session });
    const holding = ctx.stream(asCaller(agentEvent({ input: 'The figure is 42.', session_id: session }), ALICE));
    await until(
      'the request to hold the session',
      async () => (await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `SESSION#${session}`))?.lock_owner !== undefined,
    );
    // When: the job is delivered meanwhile
    const delivery = await esm.deliver(worker());
    // Then: it waited, ran after the request, and saw its exchange
    expect((await holding).prelude.statusCode).toBe(200);
    expect(delivery?.returned).toBe(false);
    expect((await view(id)).json).toMatchObject({ status: 'succeeded', result: { output: 'The job saw 42.', session_updated: true } });
    expect(ctx.api.requests[1].body.messages).toEqual([
      { role: 'user', content: 'The figure is 42.' },
      { role: 'assistant', content: 'Noted: 42.' },
      { role: 'user', content: 'What was the figure?' },
    ]);
  });

  test('a job whose session stays held longer than it can wait goes back to queued and runs on a later delivery', async () => {
    await ctx.useEnv({ SESSIONS_ENABLED: 'true' });
    const session = 'shared-thread-2';
    const key = { pk: { S: `CALLER#iam:${ALICE}` }, sk: { S: `SESSION#${session}` } };
    await ctx.dynamodb.put({ ...key, lock_owner: { S: 'a-long-request' }, lock_expires_at: { N: String(Date.now() + 60_000) } });
    const id = await submitted({ input: 'Go on.', session_id: session });
    // A worker with 4 s: it waits about half of it for the session, then hands the job back
    const first = await esm.deliver(worker(), { remainingMs: 4_000 });
    expect(first?.returned).toBe(true);
    expect(ctx.api.requests).toHaveLength(0);
    expect((await view(id)).json.status).toBe('queued');
    const returnedLine = () => ctx.fn.jsonLines().find((l) => l.message === 'job message returned to the queue');
    await until('the worker’s line for the returned message', () => returnedLine() !== undefined);
    expect(returnedLine()?.why).toContain('its session is held by another request');
    expect(jobLines()).toEqual([]);
    // Once the session is free, the next delivery runs it
    await ctx.dynamodb.put(key);
    ctx.api.enqueue(text('Went on.'));
    await sleep(1_100); // the test queue's visibility timeout
    expect((await esm.deliver(worker()))?.returned).toBe(false);
    expect((await view(id)).json).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  test('after job_retention_hours a job is gone (404), and its Idempotency-Key makes a new job', async () => {
    const key = { 'idempotency-key': 'monthly-close-2026-11' };
    const first = await ctx.invoke(submit({ input: 'Close the month.' }, ALICE, key));
    const id = first.json.job_id as string;
    const item = await ctx.dynamodb.item(`CALLER#iam:${ALICE}`, `JOB#${id}`);
    expect(Number(item?.expires_at?.N)).toBeGreaterThan(Date.now() / 1000 + 167 * 3600); // 168 h by default
    // What DynamoDB's TTL may not have deleted yet is gone all the same.
    await ctx.dynamodb.put({ ...item!, expires_at: { N: String(Math.floor(Date.now() / 1000) - 1) } });
    expect((await view(id)).statusCode).toBe(404);
    expect((await ctx.invoke(jobRoute('DELETE', id))).statusCode).toBe(404);
    const again = await ctx.invoke(submit({ input: 'Close the month.' }, ALICE, key));
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await view(again.json.job_id)).json).toMatchObject({ status: 'queued', attempts: 0 });
    expect(sqs.bodies(QUEUE)).toHaveLength(2);
  });

  test("another caller's job is a 404 for GET and DELETE, exactly as a job that does not exist", async () => {
    const id = await submitted();
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await ctx.invoke(jobRoute(method, id, BOB));
      expect(response.statusCode).toBe(404);
      expect(response.json.error.message).toBe(
        (await ctx.invoke(jobRoute(method, randomBytes(16).toString('hex'), BOB))).json.error.message.replace(/No job [0-9a-f]{32}/, `No job ${id}`),
      );
    }
    expect((await view(id)).json.status).toBe('queued');
    expect((await ctx.invoke(jobRoute('GET', 'not-a-job-id'))).statusCode).toBe(400);
  });

  test('with job events on, a finished job puts one "Agent Job Finished" event: who, how it ended, what it cost, never the prompt or the answer', async () => {
    await ctx.useEnv({ JOB_EVENTS_ENABLED: 'true' });
    ctx.api.enqueue(text('The confidential answer.'));
    const id = await submitted({ input: 'The confidential question.' });
    await esm.deliver(worker());
    expect(events.events).toHaveLength(1);
    const [event] = events.events;
    expect(event).toMatchObject({ source: 'agent', detailType: 'Agent Job Finished', eventBusName: 'default' });
    expect(event.detail).toEqual({
      job_id: id,
      caller: `iam:${ALICE}`,
      status: 'succeeded',
      attempts: 1,
      model: 'claude-sonnet-5-5',
      usage: { input_tokens: 25, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      cost_usd: expect.any(Number),
      created_at: expect.any(String),
      finished_at: expect.any(String),
    });
    expect(JSON.stringify(event.detail)).not.toMatch(/confidential/);
  });

  test('an event EventBridge refuses is logged and counted; the job still succeeded', async () => {
    await ctx.useEnv({ JOB_EVENTS_ENABLED: 'true' });
    events.failEntries('ThrottlingException');
    try {
      ctx.api.enqueue(text('fine'));
      const id = await submitted();
      expect((await esm.deliver(worker()))?.returned).toBe(false);
      expect((await view(id)).json.status).toBe('succeeded');
      const line = ctx.fn.jsonLines().find((l) => l.message === 'job event not sent');
      expect(JSON.stringify(line?.error)).toContain('ThrottlingException');
      expect(metricValue(line!, 'JobEventFailures', ['FunctionName'])).toBe(1);
    } finally {
      events.failEntries(undefined);
    }
  });

  test('a result larger than an item allows is kept compressed; one that does not fit even so fails the job with result_too_large', async () => {
    const large = 'The quarterly figures rose again. '.repeat(20_000); // 680,000 characters
    const incompressible = randomBytes(400_000).toString('base64'); // 533,336 characters of noise
    ctx.api.enqueue(text(large, { stop_reason: 'end_turn' }), text(incompressible));
    const fits = await submitted();
    const doesNot = await submitted({ input: 'Again.' });
    await esm.deliver(worker());
    await esm.deliver(worker());
    const kept = (await view(fits)).json;
    expect(kept.status).toBe('succeeded');
    expect(kept.result.output).toBe(large);
    const failed = (await view(doesNot)).json;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ type: 'result_too_large', message: expect.stringContaining('at most 350000') });
    expect(jobLines().at(-1)).toMatchObject({ status: 'failed', error_type: 'result_too_large' });
  });

  test('a scheduled message runs as the caller schedule:<name>', async () => {
    ctx.api.enqueue(text('Nightly report ready.'));
    await esm.send(JSON.stringify({ schedule: 'nightly', request: { input: 'Write the nightly report.' } }));
    expect((await esm.deliver(worker()))?.returned).toBe(false);
    const [line] = jobLines();
    expect(line).toMatchObject({ caller: 'schedule:nightly', status: 'succeeded' });
    const item = await ctx.dynamodb.item('CALLER#schedule:nightly', `JOB#${line.job_id}`);
    expect(item?.job_status?.S).toBe('succeeded');
  });

  test('a message that is not a job is logged with why, counted and dropped', async () => {
    await esm.send('{"hello":"world"}');
    expect((await esm.deliver(worker()))?.returned).toBe(false);
    const line = ctx.fn.jsonLines().find((l) => l.message === 'job message dropped');
    expect(line?.why).toContain('neither job_id and caller');
    expect(metricValue(line!, 'JobMessagesDropped', ['FunctionName'])).toBe(1);
  });

  test('when the queue refuses the message, POST /jobs is a 503 and no job is left behind', async () => {
    sqs.failSends('RequestThrottled');
    try {
      const response = await ctx.invoke(submit({ input: 'hi' }));
      expect(response.statusCode).toBe(503);
      expect(response.json.error).toMatchObject({ type: 'unavailable', message: expect.stringContaining('nothing was submitted') });
      expect(await ctx.dynamodb.items()).toEqual([]);
    } finally {
      sqs.failSends(undefined);
    }
  });
});
