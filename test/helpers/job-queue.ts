/**
 * The jobs queue as Lambda's event source mapping works it, on the local
 * SQS stand-in: receive one message (batch size 1) with its system
 * attributes, invoke the worker export of the zip with the SQS event Lambda
 * builds, then delete the message unless the worker reported it in
 * `batchItemFailures` or the invocation failed (it then comes back after
 * the visibility timeout, and goes to the dead-letter queue after
 * maxReceiveCount receives).
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import type { InvocationOutcome } from '../../src/dev/lambda/invocation';
import { localQueueArn, type SqsServer } from '../fixtures/servers/sqs';
import type { ZipFunction } from './zip-runtime';

export interface Delivery {
  readonly message: Message;
  readonly outcome: InvocationOutcome;
  /** The message stays in the queue: reported as failed, or the invocation failed. */
  readonly returned: boolean;
}

/** An SQS record as Lambda delivers it to a function. */
export function sqsRecord(message: Message, queueName: string): Record<string, unknown> {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: localQueueArn(queueName),
    awsRegion: 'us-east-1',
  };
}

export class EventSourceMapping {
  private readonly client: SQSClient;

  constructor(
    sqs: SqsServer,
    private readonly queueUrl: string,
    private readonly queueName: string,
  ) {
    this.client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }

  /** Sends a message as another producer would (a duplicate, a schedule). */
  async send(body: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }

  /** Receives one visible message, if any. */
  async receive(): Promise<Message | undefined> {
    const out = await this.client.send(new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['All'] }));
    return out.Messages?.[0];
  }

  /** Delivers one visible message to the worker, as the mapping does; undefined when the queue has none. */
  async deliver(fn: ZipFunction, options: { remainingMs?: number } = {}): Promise<Delivery | undefined> {
    const message = await this.receive();
    if (!message) return undefined;
    return this.deliverMessage(fn, message, options);
  }

  async deliverMessage(fn: ZipFunction, message: Message, options: { remainingMs?: number } = {}): Promise<Delivery> {
    const outcome = await fn.invokeExport('jobs', { Records: [sqsRecord(message, this.queueName)] }, options);
    let returned = true;
    if (outcome.kind === 'response') {
      const failures = (JSON.parse(outcome.payload.toString('utf8')) as { batchItemFailures?: Array<{ itemIdentifier: string }> }).batchItemFailures ?? [];
      returned = failures.some((f) => f.itemIdentifier === message.MessageId);
    }
    if (!returned) await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    return { message, outcome, returned };
  }

  close(): void {
    this.client.destroy();
  }
}
