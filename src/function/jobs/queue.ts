/**
 * The jobs queue, through the AWS SDK's SQS client (AWS JSON 1.0), loaded on
 * first use: a deployment without jobs never loads it. The client honours
 * the SDK's standard `AWS_ENDPOINT_URL_SQS`. The API function only sends.
 */
import { lazyClient, serviceFailure, withTimeout } from '../aws-client';

/** Longest one SendMessage may take, retries included. @unit ms */
const SEND_TIMEOUT_MS = 3_000;
/** Attempts per send: one retry for a throttle or a dropped connection. */
const MAX_ATTEMPTS = 2;

const connect = lazyClient(
  () => import('@aws-sdk/client-sqs'),
  (sdk, region) => new sdk.SQSClient({ region, maxAttempts: MAX_ATTEMPTS }),
);

export class JobQueue {
  constructor(
    readonly queueUrl: string,
    private readonly region: string,
  ) {}

  /** Sends one message; a failure is a StateUnavailableError (503), so the caller knows to retry. */
  async send(body: string, signal?: AbortSignal): Promise<void> {
    try {
      const { sdk, client } = await connect(this.region);
      await client.send(new sdk.SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }), { abortSignal: withTimeout(signal, SEND_TIMEOUT_MS) });
    } catch (error) {
      throw serviceFailure(error, signal, {
        deadline: 'The request ran out of time while queueing the job.',
        unavailable: (name) => `The job could not be queued (${name}); nothing was submitted. Retry later.`,
      });
    }
  }
}
