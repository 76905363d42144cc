/**
 * Jobs in the state table: one item per job in its caller's partition, so
 * another caller's job is simply not found. The request is kept compressed
 * until the job ends; the outcome (result, or error and partial result) is
 * kept compressed after. Every state change is a conditional write:
 *
 * queued → running → succeeded | failed | cancelled, and queued → cancelled.
 *
 * A running attempt holds a lease until its worker's deadline. A delivery
 * that finds an expired lease retries the job (its attempt died: a timeout,
 * a crash); once the last allowed attempt's lease has expired the job reads
 * as failed (`attempts_exhausted`), so no job stays running forever. A job
 * whose attempt died after a cancel was asked is not run again: it reads as
 * cancelled, and the next delivery settles it so (`settle`).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConflictError, RequestError, type PartialResult } from '../errors';
import { callerPartition, jobSort, STATE_KEYS, TTL_ATTRIBUTE } from '../state/keys';
import { bin, bool, ConditionFailed, num, readBin, readBool, readNum, readStr, str, type Item, type Key, type StateStore } from '../state/store';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (status: JobStatus): boolean => TERMINAL.has(status);

/** The contract's error object, as a failed job keeps it. */
export interface JobError {
  readonly type: string;
  readonly message: string;
  readonly request_id: string;
}

/** How a job ended: what `GET /jobs/{id}` returns beside the status. */
export type JobOutcome =
  | { readonly status: 'succeeded'; readonly result: unknown }
  | { readonly status: 'failed'; readonly error: JobError; readonly partial?: PartialResult }
  | { readonly status: 'cancelled'; readonly partial?: PartialResult };

/** `GET /jobs/{id}`. Times are ISO 8601, null until they happen. */
export interface JobView {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  /** Attempts started so far (a retried attempt counts again). */
  readonly attempts: number;
  /** A cancel was asked while the job was running: it stops before its next model call or tool run. */
  readonly cancel_requested?: true;
  readonly result?: unknown;
  readonly error?: JobError;
  readonly partial?: PartialResult;
}

/** What `create` did: stored a new job, or found the one an Idempotency-Key names (`unsentUntilMs`: still being submitted until then). */
export interface Created {
  readonly view: JobView;
  readonly created: boolean;
  readonly unsentUntilMs?: number;
}

/** A job as the worker starts it: its request body and the attempt it is on. */
export interface StartedJob {
  readonly body: Buffer;
  readonly attempt: number;
  readonly createdAtMs: number;
}

/**
 * Bytes a job's stored request or outcome may take, compressed: DynamoDB's
 * item limit is 400 KB, and the request and the outcome are never kept together.
 */
export const MAX_STORED_BYTES = 350_000;

const A = {
  status: 'job_status',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  request: 'request_gz',
  requestHash: 'request_sha256',
  attempts: 'attempts',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_expires_at',
  finalAttempt: 'final_attempt',
  cancelRequested: 'cancel_requested',
  outcome: 'outcome_gz',
  settled: 'settled',
  submitUntil: 'submit_until',
} as const;

const keyOf = (callerId: string, jobId: string): Key => ({ pk: callerPartition(callerId), sk: jobSort(jobId) });
const epochSeconds = (ms: number) => Math.floor(ms / 1000);
/** The names every status change uses, and its clock: `:at` (ms) for leases and times, `:nowSec` for retention. */
const STATUS_NAMES = { '#status': A.status, '#ttl': TTL_ATTRIBUTE };
const clockAt = (now: number): Item => ({ ':at': num(now), ':nowSec': num(epochSeconds(now)) });
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

export class Jobs {
  constructor(
    private readonly store: StateStore,
    private readonly retentionHours: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Stores a new queued job. With an idempotency key the id is derived from
   * it: when that job already exists (and has not expired) it is returned
   * as it is, `created: false`; the same key with another body is a 409.
   * With `submitUntilMs` the job is marked as being submitted until then
   * (`markSent` ends it): a replay meanwhile is a 409 with `retry-after`,
   * never a job that may yet be discarded (see claimSubmission).
   */
  async create(
    callerId: string,
    jobId: string,
    body: Buffer,
    options: { idempotent: boolean; submitUntilMs?: number },
    signal?: AbortSignal,
  ): Promise<Created> {
    const request = gzipSync(body);
    if (request.byteLength > MAX_STORED_BYTES) {
      throw new RequestError(
        'payload_too_large',
        `The request compresses to ${request.byteLength} bytes; a job can keep at most ${MAX_STORED_BYTES}. Send a smaller request, or use POST /agent.`,
      );
    }
    const now = this.now();
    const item: Item = {
      [STATE_KEYS.partition]: str(callerPartition(callerId)),
      [STATE_KEYS.sort]: str(jobSort(jobId)),
      [A.status]: str('queued'),
      [A.createdAt]: num(now),
      [A.request]: bin(request),
      [A.requestHash]: str(sha256(body)),
      [A.attempts]: num(0),
      [TTL_ATTRIBUTE]: num(epochSeconds(now) + this.retentionHours * 3600),
      ...(options.submitUntilMs !== undefined ? { [A.submitUntil]: num(options.submitUntilMs) } : {}),
    };
    try {
      // A job whose retention has passed is gone, even before DynamoDB's TTL deletes it.
      await this.store.put(
        item,
        {
          condition: `attribute_not_exists(${STATE_KEYS.partition}) OR #ttl < :now`,
          names: { '#ttl': TTL_ATTRIBUTE },
          values: { ':now': num(epochSeconds(now)) },
        },
        signal,
      );
      return { view: viewOf(jobId, item, now), created: true };
    } catch (error) {
      if (!(error instanceof ConditionFailed) || !options.idempotent) throw error;
    }
    const existing = await this.store.get(keyOf(callerId, jobId), signal);
    if (!existing || this.expired(existing))
      throw new ConflictError('The job of this Idempotency-Key changed while it was being submitted; send the request again.', 1);
    if (readStr(existing, A.requestHash) !== sha256(body)) {
      throw new ConflictError(
        `This Idempotency-Key was already used for a different request within the last ${this.retentionHours} hours (job_retention_hours). Use a new key for a new request.`,
      );
    }
    // A job a worker has started was sent, whether or not its submitter got to mark it so.
    const submitting = readStr(existing, A.status) === 'queued' ? readNum(existing, A.submitUntil) : undefined;
    if (submitting !== undefined) return { view: viewOf(jobId, existing, this.now()), created: false, unsentUntilMs: submitting };
    return { view: viewOf(jobId, existing, this.now()), created: false };
  }

  /** The job's message is on the queue: a replay of its Idempotency-Key may now return it. Best effort. */
  async markSent(callerId: string, jobId: string, signal?: AbortSignal): Promise<void> {
    await this.store.update(keyOf(callerId, jobId), { expression: `REMOVE ${A.submitUntil}`, condition: `attribute_exists(${A.submitUntil})` }, signal);
  }

  /**
   * Takes over the submission of a job whose first submitter's time ran out
   * before it marked the job sent (it died, or its send failed and so did
   * the discard): true when this request is now the one to send it.
   */
  async claimSubmission(callerId: string, jobId: string, seenUntilMs: number, submitUntilMs: number, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.store.update(
        keyOf(callerId, jobId),
        {
          expression: `SET ${A.submitUntil} = :until`,
          condition: `${A.submitUntil} = :seen AND ${A.submitUntil} < :at`,
          values: { ':until': num(submitUntilMs), ':seen': num(seenUntilMs), ':at': num(this.now()) },
        },
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** The job, or undefined when there is none (or it has expired). */
  async read(callerId: string, jobId: string, signal?: AbortSignal): Promise<JobView | undefined> {
    const item = await this.store.get(keyOf(callerId, jobId), signal);
    return item && !this.expired(item) ? viewOf(jobId, item, this.now()) : undefined;
  }

  /** Forgets a job whose message could not be sent (nothing would ever run it). */
  async discard(callerId: string, jobId: string, signal?: AbortSignal): Promise<void> {
    await this.store.delete(
      keyOf(callerId, jobId),
      { condition: '#status = :queued', names: { '#status': A.status }, values: { ':queued': str('queued') } },
      signal,
    );
  }

  /**
   * Cancels: a queued job becomes cancelled at once and never runs; a
   * running one is asked to stop (`cancel_requested`). A job that has ended
   * (including one whose last attempt died) is immutable: ConflictError
   * naming its status. Returns the job as it is after, or undefined when
   * there is none.
   */
  async cancel(callerId: string, jobId: string, signal?: AbortSignal): Promise<JobView | undefined> {
    const key = keyOf(callerId, jobId);
    const now = this.now();
    const values = clockAt(now);
    try {
      await this.store.update(
        key,
        {
          expression: `SET #status = :cancelled, ${A.finishedAt} = :at REMOVE ${A.request}`,
          condition: '#status = :queued AND #ttl >= :nowSec',
          names: STATUS_NAMES,
          values: { ...values, ':cancelled': str('cancelled'), ':queued': str('queued') },
        },
        signal,
      );
      return this.read(callerId, jobId, signal);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
    try {
      // Not a running job whose last allowed attempt died: that one has ended (failed, attempts_exhausted).
      await this.store.update(
        key,
        {
          expression: `SET ${A.cancelRequested} = :yes`,
          condition: `#status = :running AND #ttl >= :nowSec AND NOT (${A.finalAttempt} = :yes AND ${A.leaseUntil} < :at)`,
          names: STATUS_NAMES,
          values: { ...values, ':yes': bool(true), ':running': str('running') },
        },
        signal,
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const view = await this.read(callerId, jobId, signal);
      if (view && isTerminal(view.status)) {
        throw new ConflictError(`Job ${jobId} has already ended (${view.status}); an ended job cannot be cancelled, and stays as it ended.`);
      }
      return view;
    }
    return this.read(callerId, jobId, signal);
  }

  /**
   * Starts an attempt: a queued job, or a running one whose last attempt's
   * lease has expired (that attempt died) and that nobody asked to cancel.
   * Returns undefined when the job must not run now: missing, finished,
   * cancelled or asked to be, or held by a live attempt.
   */
  async start(
    callerId: string,
    jobId: string,
    attempt: { owner: string; leaseUntilMs: number; final: boolean },
    signal?: AbortSignal,
  ): Promise<StartedJob | undefined> {
    const now = this.now();
    try {
      const item = await this.store.update(
        keyOf(callerId, jobId),
        {
          expression: `SET #status = :running, ${A.startedAt} = if_not_exists(${A.startedAt}, :at), ${A.attempts} = ${A.attempts} + :one, ${A.leaseOwner} = :owner, ${A.leaseUntil} = :until, ${A.finalAttempt} = :final`,
          condition: `#ttl >= :nowSec AND (#status = :queued OR (#status = :running AND ${A.leaseUntil} < :at AND attribute_not_exists(${A.cancelRequested})))`,
          names: STATUS_NAMES,
          values: {
            ...clockAt(now),
            ':running': str('running'),
            ':queued': str('queued'),
            ':one': num(1),
            ':owner': str(attempt.owner),
            ':until': num(attempt.leaseUntilMs),
            ':final': bool(attempt.final),
          },
          returnNew: true,
        },
        signal,
      );
      const request = readBin(item, A.request);
      if (!request) throw new Error(`job ${jobId} has no stored request`);
      return { body: gunzipSync(request), attempt: readNum(item, A.attempts) ?? 1, createdAtMs: readNum(item, A.createdAt) ?? now };
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  /**
   * Hands the job `owner` started back to the queue (its session was held by
   * another request the whole time it could wait): queued again, to run on a
   * later delivery. False when it may not be: a cancel was asked meanwhile,
   * or the attempt no longer holds the job.
   */
  async yieldAttempt(callerId: string, jobId: string, owner: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.store.update(
        keyOf(callerId, jobId),
        {
          expression: `SET #status = :queued REMOVE ${A.leaseOwner}, ${A.leaseUntil}, ${A.finalAttempt}`,
          condition: `${A.leaseOwner} = :owner AND attribute_not_exists(${A.cancelRequested})`,
          names: { '#status': A.status },
          values: { ':queued': str('queued'), ':owner': str(owner) },
        },
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /**
   * Ends, once, a job that ended with no attempt left to say so: a running job
   * whose attempt died after a cancel was asked becomes cancelled, and a job
   * cancelled while queued is marked as reported. Returns the ended job when
   * this call settled it, for the worker to log and announce; undefined when
   * there is nothing to settle (or another delivery settled it first).
   */
  async settle(callerId: string, jobId: string, signal?: AbortSignal): Promise<{ view: JobView; createdAtMs: number } | undefined> {
    const now = this.now();
    try {
      const item = await this.store.update(
        keyOf(callerId, jobId),
        {
          expression: `SET #status = :cancelled, ${A.finishedAt} = if_not_exists(${A.finishedAt}, :at), ${A.settled} = :yes REMOVE ${A.request}, ${A.leaseOwner}, ${A.leaseUntil}`,
          condition:
            `#ttl >= :nowSec AND attribute_not_exists(${A.settled}) AND (` +
            `(#status = :running AND ${A.leaseUntil} < :at AND ${A.cancelRequested} = :yes) OR (#status = :cancelled AND attribute_not_exists(${A.startedAt})))`,
          names: STATUS_NAMES,
          values: { ...clockAt(now), ':cancelled': str('cancelled'), ':running': str('running'), ':yes': bool(true) },
          returnNew: true,
        },
        signal,
      );
      if (!item) throw new Error(`job ${jobId}: the settled item was not returned`);
      return { view: viewOf(jobId, item, now), createdAtMs: readNum(item, A.createdAt) ?? now };
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  /** Whether `DELETE /jobs/{id}` asked the running job to stop. */
  async cancelRequested(callerId: string, jobId: string, signal?: AbortSignal): Promise<boolean> {
    return readBool(await this.store.get(keyOf(callerId, jobId), signal, [A.cancelRequested]), A.cancelRequested);
  }

  /**
   * Ends the attempt `owner` (its worker invocation's request id) holds with its outcome. An outcome that does
   * not fit even compressed fails the job with `result_too_large`. Returns
   * false when the attempt no longer holds the job (its lease expired and
   * another attempt took it over): that attempt's outcome counts.
   */
  async finish(callerId: string, jobId: string, owner: string, outcome: JobOutcome, signal?: AbortSignal): Promise<{ stored: boolean; outcome: JobOutcome }> {
    let stored = outcome;
    let packed = gzipSync(JSON.stringify(outcome));
    if (packed.byteLength > MAX_STORED_BYTES) {
      stored = {
        status: 'failed',
        error: {
          type: 'result_too_large',
          message: `The job's result is ${packed.byteLength} bytes compressed; a job can keep at most ${MAX_STORED_BYTES}. Ask for a shorter answer (max_tokens), or use POST /agent.`,
          request_id: owner,
        },
      };
      packed = gzipSync(JSON.stringify(stored));
    }
    try {
      await this.store.update(
        keyOf(callerId, jobId),
        {
          expression: `SET #status = :status, ${A.finishedAt} = :at, ${A.outcome} = :outcome REMOVE ${A.request}, ${A.leaseOwner}, ${A.leaseUntil}`,
          condition: `${A.leaseOwner} = :owner`,
          names: { '#status': A.status },
          values: { ':status': str(stored.status), ':at': num(this.now()), ':outcome': bin(packed), ':owner': str(owner) },
        },
        signal,
      );
      return { stored: true, outcome: stored };
    } catch (error) {
      if (error instanceof ConditionFailed) return { stored: false, outcome: stored };
      throw error;
    }
  }

  private expired(item: Item): boolean {
    return (readNum(item, TTL_ATTRIBUTE) ?? Infinity) < epochSeconds(this.now());
  }
}

/** What a job item says, with a dead last attempt read as the failure it is. */
function viewOf(jobId: string, item: Item, now: number): JobView {
  let status = (readStr(item, A.status) ?? 'queued') as JobStatus;
  const attempts = readNum(item, A.attempts) ?? 0;
  const leaseExpired = (readNum(item, A.leaseUntil) ?? Infinity) < now;
  let outcome: Partial<JobView> = {};
  let finishedAt = readNum(item, A.finishedAt);
  if (status === 'running' && leaseExpired) {
    if (readBool(item, A.cancelRequested)) {
      status = 'cancelled'; // its attempt died after the cancel; it is not run again
      finishedAt = readNum(item, A.leaseUntil);
    } else if (readBool(item, A.finalAttempt)) {
      status = 'failed';
      outcome = {
        error: {
          type: 'attempts_exhausted',
          message: `The job's last allowed attempt (${attempts}, job_max_receive_count) ended without finishing: the worker timed out or crashed. It will not be retried.`,
          request_id: readStr(item, A.leaseOwner) ?? '',
        },
      };
    } else {
      status = 'queued'; // its attempt died; the queue delivers it again
    }
  }
  const packed = readBin(item, A.outcome);
  if (packed && isTerminal(status)) {
    const stored = JSON.parse(gunzipSync(packed).toString('utf8')) as Record<string, unknown>;
    delete stored.status;
    outcome = stored;
  }
  return {
    job_id: jobId,
    status,
    created_at: iso(readNum(item, A.createdAt)) ?? new Date(now).toISOString(),
    started_at: iso(readNum(item, A.startedAt)),
    finished_at: iso(finishedAt),
    attempts,
    ...(status === 'running' && readBool(item, A.cancelRequested) ? { cancel_requested: true as const } : {}),
    ...outcome,
  };
}
