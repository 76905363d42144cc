/**
 * The jobs queue as Lambda's event source mapping works it: receive one
 * message (batch size 1) with its system attributes, invoke the worker
 * with the SQS event Lambda builds, then delete the message unless the
 * worker reported it in `batchItemFailures` or the invocation failed (it
 * then comes back after the visibility timeout, and goes to the
 * dead-letter queue after maxReceiveCount receives). `start()` polls as
 * the mapping does (long polls, one delivery at a time); the tests call
 * `deliver()` step by step instead.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from './execution-environment';
import type { InvocationOutcome } from './invocation';

/** Runs the worker on one event; `remainingMs` is its deadline, as the function's timeout gives it. */
export type Worker = (event: unknown, remainingMs?: number) => Promise<InvocationOutcome>;

export interface Delivery {
  readonly message: Message;
  readonly outcome: InvocationOutcome;
  /** The message stays in the queue: reported as failed, or the invocation failed. */
  readonly returned: boolean;
}

export interface EventSourceMappingOptions {
  /** The SQS endpoint (AWS_ENDPOINT_URL_SQS). */
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/** SQS's longest long poll, which the mapping uses. @unit seconds */
const LONG_POLL_SECONDS = 20;

/** An SQS record as Lambda delivers it to a function. */
export function sqsRecord(message: Message, queueArn: string, region = 'us-east-1'): Record<string, unknown> {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

export class EventSourceMapping {
  private readonly client: SQSClient;
  private polling: { stop: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.client = new SQSClient({ endpoint: options.endpoint, region: options.region ?? 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }

  /** Sends a message as another producer would (a duplicate, a schedule). */
  async send(body: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: body }));
  }

  /** Receives one visible message, if any, waiting up to `waitSeconds` for one. */
  async receive(waitSeconds = 0, signal?: AbortSignal): Promise<Message | undefined> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: waitSeconds,
      }),
      signal ? { abortSignal: signal } : {},
    );
    return out.Messages?.[0];
  }

  /** Delivers one visible message to the worker, as the mapping does; undefined when the queue has none. */
  async deliver(worker: Worker, options: { remainingMs?: number } = {}): Promise<Delivery | undefined> {
    const message = await this.receive();
    if (!message) return undefined;
    return this.deliverMessage(worker, message, options);
  }

  async deliverMessage(worker: Worker, message: Message, options: { remainingMs?: number } = {}): Promise<Delivery> {
    const outcome = await worker({ Records: [sqsRecord(message, this.options.queueArn, this.options.region)] }, options.remainingMs);
    let returned = true;
    if (outcome.kind === 'response') {
      const failures = (JSON.parse(outcome.payload.toString('utf8')) as { batchItemFailures?: Array<{ itemIdentifier: string }> }).batchItemFailures ?? [];
      returned = failures.some((f) => f.itemIdentifier === message.MessageId);
    }
    if (!returned) await this.client.send(new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    return { message, outcome, returned };
  }

  /**
   * Polls until `stop()`: long polls, then one delivery at a time, as a
   * mapping with maximum concurrency 1 does. `onDelivery` hears each
   * outcome, `onError` each failed poll (retried after a second).
   */
  start(worker: Worker, handlers: { onDelivery?: (delivery: Delivery) => void; onError?: (error: unknown) => void; remainingMs?: number } = {}): void {
    if (this.polling) throw new Error('This event source mapping is already polling.');
    const stop = new AbortController();
    const loop = async () => {
      while (!stop.signal.aborted) {
        try {
          const message = await this.receive(LONG_POLL_SECONDS, stop.signal);
          if (message && !stop.signal.aborted) handlers.onDelivery?.(await this.deliverMessage(worker, message, { remainingMs: handlers.remainingMs }));
        } catch (error) {
          if (stop.signal.aborted) return;
          handlers.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    };
    this.polling = { stop, done: loop() };
  }

  /** Stops polling; a delivery under way finishes first. */
  async stop(): Promise<void> {
    const polling = this.polling;
    this.polling = undefined;
    polling?.stop.abort();
    await polling?.done;
  }

  async close(): Promise<void> {
    await this.stop();
    this.client.destroy();
  }
}
