/**
 * The worker's line for each job attempt that ended: who, which job, how it
 * ended, how long it waited and ran, what it spent. Its metrics are the
 * line's own fields (embedded metric format), as for requests.
 */
import type { Usage } from '../agent/usage';
import type { ErrorReport } from '../error-report';
import { writeLogLine } from '../logging';
import { JOB_METRICS, REQUEST_DIMENSION_SETS, type JobMetricName } from '../metrics/definitions';
import type { JobStatus } from './store';

export interface JobLog {
  readonly job_id: string;
  readonly caller: string;
  /** The worker invocation that ran the attempt. */
  readonly request_id: string;
  readonly status: JobStatus;
  readonly attempt: number;
  /** SQS's ApproximateReceiveCount of the message. */
  readonly receive_count: number;
  readonly model: string;
  readonly provider: string;
  readonly error_type?: string;
  readonly error_code?: string;
  readonly error_message?: string;
  /** Server-side failures only: the failure behind the message, with its causes. */
  readonly error?: ErrorReport;
  readonly iterations: number;
  readonly tool_calls: number;
  readonly tool_errors: number;
  readonly usage?: Usage;
  readonly cost_usd: number | null;
  /** Part of `usage` is an estimate: a model call failed before the provider reported what it spent. */
  readonly usage_estimated?: boolean;
  /** From submission to this attempt's start; absent for a job that ended without an attempt. @unit ms */
  readonly queue_delay_ms?: number;
  readonly duration_ms: number;
  readonly stop_reason?: string;
  /** Why a job ended with no attempt of its own (cancelled while queued, or its attempt died after the cancel). */
  readonly unrun?: string;
  /** The outcome could not be stored: another attempt holds the job now. */
  readonly superseded?: boolean;
  readonly input?: string;
  readonly output?: string;
}

export function logJob(entry: JobLog): void {
  const { usage, ...rest } = entry;
  const values: Record<JobMetricName, number | undefined> = {
    Jobs: 1,
    JobsFailed: entry.status === 'failed' ? 1 : 0,
    JobsCancelled: entry.status === 'cancelled' ? 1 : 0,
    QueueDelay: entry.queue_delay_ms,
    Duration: entry.duration_ms,
    InputTokens: usage?.input_tokens ?? 0,
    OutputTokens: usage?.output_tokens ?? 0,
    CacheReadInputTokens: usage?.cache_read_input_tokens ?? 0,
    CacheCreationInputTokens: usage?.cache_creation_input_tokens ?? 0,
    CostUSD: entry.cost_usd ?? (usage ? undefined : 0),
    ModelCalls: entry.iterations,
    ToolCalls: entry.tool_calls,
    ToolErrors: entry.tool_errors,
  };
  writeLogLine(entry.status === 'succeeded' ? 'INFO' : 'WARN', 'job', { ...rest, ...(usage ?? {}) }, [{ dimensionSets: REQUEST_DIMENSION_SETS, values }], {
    dimensions: { Model: entry.model },
    definitions: JOB_METRICS,
  });
}
