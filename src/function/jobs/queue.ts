/**
 * The jobs queue, through the AWS SDK's SQS client (AWS JSON 1.0), loaded on
 * first use: a deployment without jobs never loads it. The client honours
 * the SDK's standard `AWS_ENDPOINT_URL_SQS`. The API function only sends.
 */
import type * as Sqs from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeadlineError, StateUnavailableError } from '../errors';

/** Longest one SendMessage may take, retries included. @unit ms */
const SEND_TIMEOUT_MS = 3_000;
/** Attempts per send: one retry for a throttle or a dropped connection. */
const MAX_ATTEMPTS = 2;

let loaded: { sdk: typeof Sqs; client: SQSClient; region: string } | undefined;

async function connect(region: string): Promise<{ sdk: typeof Sqs; client: SQSClient }> {
  if (!loaded || loaded.region !== region) {
    const sdk = await import('@aws-sdk/client-sqs');
    loaded = { sdk, client: new sdk.SQSClient({ region, maxAttempts: MAX_ATTEMPTS }), region };
  }
  return loaded;
}

export class JobQueue {
  constructor(
    readonly queueUrl: string,
    private readonly region: string,
  ) {}

  /** Sends one message; a failure is a StateUnavailableError (503), so the caller knows to retry. */
  async send(body: string, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(SEND_TIMEOUT_MS);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const { sdk, client } = await connect(this.region);
      await client.send(new sdk.SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }), { abortSignal });
    } catch (error) {
      if (signal?.aborted) throw new DeadlineError('The request ran out of time while queueing the job.', { cause: error });
      const name = error instanceof Error ? error.name : 'Error';
      const requestId = (error as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
      throw new StateUnavailableError(`The job could not be queued (${name}); nothing was submitted. Retry later.`, {
        cause: error,
        ...(typeof requestId === 'string' ? { upstreamRequestId: requestId } : {}),
      });
    }
  }
}
