/**
 * The "Agent Job Finished" event on the account's default EventBridge bus
 * (job_events_enabled), through the AWS SDK's EventBridge client loaded on
 * first use. It honours `AWS_ENDPOINT_URL_EVENTBRIDGE`. The detail says who,
 * how it ended and what it cost; never the prompt or the answer.
 */
import type { Usage } from '../agent/usage';
import { lazyClient } from '../aws-client';
import type { JobStatus } from './store';

export const JOB_FINISHED_DETAIL_TYPE = 'Agent Job Finished';
/** Longest the event may take, retries included. @unit ms */
const PUT_TIMEOUT_MS = 5_000;
const MAX_ATTEMPTS = 3;

export interface JobFinishedDetail {
  readonly job_id: string;
  readonly caller: string;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly model: string;
  readonly usage: Usage | null;
  readonly cost_usd: number | null;
  readonly error_type?: string;
  readonly created_at: string;
  readonly finished_at: string;
}

const connect = lazyClient(
  () => import('@aws-sdk/client-eventbridge'),
  (sdk, region) => new sdk.EventBridgeClient({ region, maxAttempts: MAX_ATTEMPTS }),
);

/** At init (prefetch): loads the EventBridge client, so the first job's event does not. */
export async function connectJobEvents(region: string): Promise<void> {
  await connect(region);
}

/** Puts the event; throws with what EventBridge said when it was not accepted. */
export async function putJobFinished(region: string, source: string, detail: JobFinishedDetail): Promise<void> {
  const { sdk, client } = await connect(region);
  const out = await client.send(
    new sdk.PutEventsCommand({ Entries: [{ Source: source, DetailType: JOB_FINISHED_DETAIL_TYPE, Detail: JSON.stringify(detail) }] }),
    { abortSignal: AbortSignal.timeout(PUT_TIMEOUT_MS) },
  );
  const failed = out.Entries?.find((entry) => entry.ErrorCode);
  if ((out.FailedEntryCount ?? 0) > 0 || failed) {
    throw new Error(`EventBridge did not accept the event: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim());
  }
}
