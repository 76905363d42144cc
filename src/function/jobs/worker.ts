/**
 * The jobs worker (`index.jobHandler`), invoked by the queue's event source
 * mapping with batches of SQS records (batch size 1, ReportBatchItemFailures).
 * For each record: start the job's attempt, run the agent exactly as
 * `POST /agent` would (the job's caps, its deadline from its own context),
 * store the outcome, log it, and announce it when job events are on.
 *
 * At-least-once delivery: a message for a job that already ended, was
 * cancelled or expired does nothing; a job whose earlier attempt died is
 * run again; a job a live attempt is running is left to it (the message
 * comes back after the visibility timeout). A failure to reach the state
 * table, or a session held by another request for as long as the job could
 * wait (the job goes back to queued), reports the record as failed, so SQS
 * delivers it again.
 */
import { RESPONSE_RESERVE_MS, type Deadline } from '../agent/deadline';
import type { AgentResult } from '../agent/loop';
import { emptyUsage } from '../agent/usage';
import { reportError } from '../error-report';
import { AgentError, ConfigError, JobCancelledError, SessionBusyError, type PartialResult } from '../errors';
import { parseAgentRequest } from '../http/agent-request';
import { toHttpFailure } from '../http/error-response';
import type { LambdaContext } from '../http/event';
import { deadlineOf, runPrepared } from '../http/run-agent';
import { writeLogLine } from '../logging';
import { LINE_DIMENSION_SETS } from '../metrics/definitions';
import { getRuntime, type Runtime } from '../runtime';
import { putJobFinished } from './completion-event';
import { scheduledJobId } from './ids';
import { logJob, type JobLog } from './job-log';
import { decodeJobMessage, scheduleCaller } from './messages';
import { isTerminal, type JobOutcome, type JobView } from './store';

/** An SQS record as Lambda's event source mapping delivers it (the fields the worker reads). */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
}

export interface BatchResult {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

/** How long after its deadline an attempt's lease lasts: Lambda has stopped it by then. @unit ms */
const LEASE_MARGIN_MS = 5_000;

export async function jobHandler(event: unknown, context: LambdaContext): Promise<BatchResult> {
  const records = sqsRecords(event);
  const batchItemFailures: BatchResult['batchItemFailures'] = [];
  for (const record of records) {
    if (!(await handleRecord(record, context))) batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}

/** Whether the record is done with (true) or must be delivered again (false). */
async function handleRecord(record: SqsRecord, context: LambdaContext): Promise<boolean> {
  const startedAt = Date.now();
  const message = decodeJobMessage(record.body);
  if (typeof message === 'string') {
    writeLogLine('WARN', 'job message dropped', { message_id: record.messageId, why: message }, [
      { dimensionSets: LINE_DIMENSION_SETS, values: { JobMessagesDropped: 1 } },
    ]);
    return true;
  }
  const receiveCount = Math.max(1, Number(record.attributes?.ApproximateReceiveCount) || 1);
  const deadline = deadlineOf(context);
  const owner = context.awsRequestId;
  let caller: string;
  let jobId: string;
  try {
    const runtime = getRuntime();
    const jobs = runtime.jobs;
    if (!jobs) {
      throw new ConfigError(
        'The jobs worker runs with ASYNC_JOBS_ENABLED=true only (the stack sets it): deploy it with async_jobs_enabled = true.',
        'ASYNC_JOBS_ENABLED',
      );
    }
    if (message.kind === 'schedule') {
      caller = scheduleCaller(message.schedule);
      jobId = scheduledJobId(message.schedule, record.messageId);
      const body = Buffer.from(JSON.stringify(message.request), 'utf8');
      await deadline.abortable((signal) => jobs.store.create(caller, jobId, body, { idempotent: true }, signal));
    } else {
      ({ caller, jobId } = message);
    }
    const leaseUntilMs = deadline.endsAtMs() + RESPONSE_RESERVE_MS + LEASE_MARGIN_MS;
    const final = receiveCount >= jobs.config.maxReceiveCount;
    const started = await deadline.abortable((signal) => jobs.store.start(caller, jobId, { owner, leaseUntilMs, final }, signal));
    if (!started) {
      const view = await deadline.abortable((signal) => jobs.store.read(caller, jobId, signal));
      // Only a cancelled job can need settling: every other delivery that may not start costs one read, no write.
      const settled = view?.status === 'cancelled' ? await deadline.abortable((signal) => jobs.store.settle(caller, jobId, signal)) : undefined;
      if (settled) {
        await endedUnrun(runtime, jobId, caller, owner, receiveCount, settled, startedAt);
        return true;
      }
      const done = notStarted(view, caller, jobId, record);
      if (!done) retried(record, receiveCount, 'another attempt is running the job');
      return done;
    }

    let outcome = await runJob(runtime, caller, jobId, started.body, owner, deadline, final);
    if ('sessionBusy' in outcome) {
      if (await deadline.abortable((signal) => jobs.store.yieldAttempt(caller, jobId, owner, signal))) {
        retried(record, receiveCount, outcome.sessionBusy);
        return false;
      }
      // A cancel was asked while it waited: it ends cancelled, having spent nothing.
      outcome = { outcome: { status: 'cancelled' }, log: { model: runtime.provider.model, provider: runtime.provider.name, ...spentBy(undefined) } };
    }
    const { stored, outcome: kept } = await jobs.store.finish(caller, jobId, owner, outcome.outcome);
    const finishedAt = Date.now();
    logJob({
      ...outcome.log,
      job_id: jobId,
      caller,
      request_id: owner,
      status: kept.status,
      attempt: started.attempt,
      receive_count: receiveCount,
      queue_delay_ms: Math.max(0, startedAt - started.createdAtMs),
      duration_ms: finishedAt - startedAt,
      ...(kept !== outcome.outcome && kept.status === 'failed' ? { error_type: kept.error.type, error_message: kept.error.message } : {}),
      ...(stored ? {} : { superseded: true }),
    });
    if (stored && jobs.config.eventSource) await announce(runtime, jobs.config.eventSource, jobId, caller, started, kept, outcome.log, finishedAt);
    return true;
  } catch (error) {
    // The state table failed, or the configuration is broken: the message comes back after the visibility timeout.
    retried(record, receiveCount, error instanceof AgentError ? error.message : 'the worker failed unexpectedly', error);
    return false;
  }
}

function retried(record: SqsRecord, receiveCount: number, why: string, error?: unknown): void {
  writeLogLine(
    error ? 'ERROR' : 'WARN',
    'job message returned to the queue',
    { message_id: record.messageId, receive_count: receiveCount, why, ...(error ? { error: reportError(error) } : {}) },
    [{ dimensionSets: LINE_DIMENSION_SETS, values: { JobRetries: 1 } }],
  );
}

/**
 * A job that ended cancelled with no attempt to report it (cancelled while
 * queued, or its attempt died after the cancel): logged and announced once,
 * as a finished attempt is. It spent nothing that was recorded.
 */
async function endedUnrun(
  runtime: Runtime,
  jobId: string,
  caller: string,
  requestId: string,
  receiveCount: number,
  settled: { view: JobView; createdAtMs: number },
  startedAt: number,
): Promise<void> {
  const { view, createdAtMs } = settled;
  const ran = view.started_at !== null;
  const log: JobRunLog = {
    model: runtime.provider.model,
    provider: runtime.provider.name,
    iterations: 0,
    tool_calls: 0,
    tool_errors: 0,
    // Never started: nothing spent. Died after the cancel: what it spent died with it.
    cost_usd: ran ? null : 0,
  };
  logJob({
    ...log,
    job_id: jobId,
    caller,
    request_id: requestId,
    status: view.status,
    attempt: view.attempts,
    receive_count: receiveCount,
    duration_ms: Date.now() - startedAt,
    unrun: ran ? 'its attempt ended without finishing after the cancel was asked' : 'cancelled while queued',
  });
  const source = runtime.jobs!.config.eventSource;
  const finishedAt = view.finished_at === null ? Date.now() : Date.parse(view.finished_at);
  if (source) await announce(runtime, source, jobId, caller, { attempt: view.attempts, createdAtMs }, { status: 'cancelled' }, log, finishedAt);
}

/** A delivery that may not start the job (`view` as it reads now): done with, unless a live attempt holds it. */
function notStarted(view: JobView | undefined, caller: string, jobId: string, record: SqsRecord): boolean {
  const why = !view
    ? 'no such job (expired, or never stored)'
    : isTerminal(view.status)
      ? `the job is already ${view.status}`
      : 'another attempt is running it';
  const done = !view || isTerminal(view.status);
  if (done)
    writeLogLine('INFO', 'job delivery skipped', { job_id: jobId, caller, message_id: record.messageId, why }, [
      { dimensionSets: LINE_DIMENSION_SETS, values: { JobDeliveriesSkipped: 1 } },
    ]);
  return done;
}

type JobRunLog = Pick<
  JobLog,
  | 'model'
  | 'provider'
  | 'iterations'
  | 'tool_calls'
  | 'tool_errors'
  | 'usage'
  | 'cost_usd'
  | 'usage_estimated'
  | 'stop_reason'
  | 'error_type'
  | 'error_code'
  | 'error_message'
  | 'error'
  | 'input'
  | 'output'
>;

/** Of a job's time, the share it may spend waiting for a session another request holds. */
const SESSION_WAIT_SHARE = 0.5;

/**
 * Runs the job's request as POST /agent would, and says how it ended. Never
 * throws for the request's own failures. A session another request holds is
 * waited for (up to half the job's time); if it is still held, and this is
 * not the last attempt, the run says so (`sessionBusy`) instead of failing.
 */
async function runJob(
  runtime: Runtime,
  caller: string,
  jobId: string,
  body: Buffer,
  requestId: string,
  deadline: Deadline,
  final: boolean,
): Promise<{ outcome: JobOutcome; log: JobRunLog } | { sessionBusy: string }> {
  const jobs = runtime.jobs!;
  let base = { model: runtime.provider.model, provider: runtime.provider.name };
  const content = runtime.config.logContent;
  let input: string | undefined;
  try {
    const request = parseAgentRequest(body, jobs.config.limits, { enabled: runtime.sessions !== undefined, caller }, runtime.config.models);
    input = request.input;
    base = { ...base, model: request.model };
    const result: AgentResult = await runPrepared({ kind: 'agent', runtime, caller, request }, requestId, deadline, undefined, {
      limits: jobs.config.limits,
      sessionWaitMs: Math.floor(deadline.remainingMs() * SESSION_WAIT_SHARE),
      checkpoint: async () => {
        if (await deadline.abortable((signal) => jobs.store.cancelRequested(caller, jobId, signal))) {
          throw new JobCancelledError('The job was cancelled (DELETE /jobs/{id}) while it ran; what it produced so far is attached.');
        }
      },
    });
    return {
      outcome: { status: 'succeeded', result },
      log: { ...base, ...spentBy(result), stop_reason: result.stop_reason, ...(content ? { input, output: result.output } : {}) },
    };
  } catch (error) {
    if (error instanceof SessionBusyError && !final) return { sessionBusy: 'its session is held by another request; it runs on a later delivery' };
    const failure = toHttpFailure(error);
    const partial = failure.error.partial;
    const spent = { ...base, ...spentBy(partial), error_type: failure.type, error_code: failure.error.code, ...(content && input ? { input } : {}) };
    if (failure.error.code === 'job_cancelled') return { outcome: { status: 'cancelled', ...(partial ? { partial } : {}) }, log: spent };
    return {
      outcome: { status: 'failed', error: { type: failure.type, message: failure.message, request_id: requestId }, ...(partial ? { partial } : {}) },
      log: {
        ...spent,
        error_message: failure.error.code === 'misconfigured' ? failure.error.message : failure.message,
        ...(failure.status >= 500 ? { error: reportError(failure.error.cause ?? failure.error) } : {}),
      },
    };
  }
}

function spentBy(
  run: AgentResult | PartialResult | undefined,
): Pick<JobLog, 'iterations' | 'tool_calls' | 'tool_errors' | 'usage' | 'cost_usd' | 'usage_estimated'> {
  return {
    ...(run?.usage_estimated ? { usage_estimated: true } : {}),
    iterations: run?.iterations ?? 0,
    tool_calls: run?.tool_calls.length ?? 0,
    tool_errors: run?.tool_calls.filter((t) => t.is_error).length ?? 0,
    ...(run ? { usage: run.usage } : {}),
    cost_usd: run?.cost_usd ?? null,
  };
}

/** The completion event; a failure is logged and counted, never undoes the job. */
async function announce(
  runtime: Runtime,
  source: string,
  jobId: string,
  caller: string,
  started: { attempt: number; createdAtMs: number },
  outcome: JobOutcome,
  log: JobRunLog,
  finishedAt: number,
): Promise<void> {
  try {
    await putJobFinished(runtime.config.awsRegion, source, {
      job_id: jobId,
      caller,
      status: outcome.status,
      attempts: started.attempt,
      model: log.model,
      usage: log.usage ?? (log.iterations > 0 ? emptyUsage() : null),
      cost_usd: log.cost_usd,
      ...(outcome.status === 'failed' ? { error_type: outcome.error.type } : {}),
      created_at: new Date(started.createdAtMs).toISOString(),
      finished_at: new Date(finishedAt).toISOString(),
    });
  } catch (error) {
    writeLogLine('ERROR', 'job event not sent', { job_id: jobId, error: reportError(error) }, [
      { dimensionSets: LINE_DIMENSION_SETS, values: { JobEventFailures: 1 } },
    ]);
  }
}

/** The records of an SQS event; anything else is a wiring mistake, thrown so Lambda reports it. */
function sqsRecords(event: unknown): SqsRecord[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  const isRecord = (r: unknown) => typeof (r as SqsRecord | null)?.messageId === 'string' && typeof (r as SqsRecord | null)?.body === 'string';
  if (!Array.isArray(records) || !records.every(isRecord)) {
    throw new Error('index.jobHandler takes SQS events (Records with messageId and body): wire it to the jobs queue with an event source mapping.');
  }
  return records as SqsRecord[];
}
