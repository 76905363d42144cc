/**
 * The local SQS's long polls, as Lambda's event source mapping and the dev
 * server's worker use them: a waiting ReceiveMessage answers when a message
 * arrives, an empty one after its wait, and close() ends those still waiting.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { performance } from 'node:perf_hooks';
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import { startSqs, type SqsServer } from '../../src/dev/stand-ins/sqs';

describe('local SQS long polling', () => {
  let sqs: SqsServer;
  let client: SQSClient;
  let queueUrl: string;
  beforeEach(async () => {
    sqs = await startSqs(LOCAL_CREDENTIALS);
    queueUrl = sqs.createQueue('polled');
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await sqs.close();
  });
  const receive = (wait: number) => client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: wait, MaxNumberOfMessages: 1 }));

  test('a waiting receive answers with the message sent while it waits, in one request', async () => {
    const polling = receive(20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job' }));
    // A poll that was not woken would answer empty once its 20 s were over: the message is the proof.
    const out = await polling;
    expect(out.Messages?.map((m) => m.Body)).toEqual(['job']);
    expect(sqs.operations).toEqual(['ReceiveMessage', 'SendMessage']);
  });

  test('an empty queue answers no messages once the wait is over', async () => {
    const started = performance.now();
    expect((await receive(1)).Messages).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  test('a wait over 20 s is refused, as SQS refuses it', async () => {
    await expect(receive(21)).rejects.toThrow('WaitTimeSeconds must be 0 to 20.');
  });

  test('close() ends a poll still waiting instead of holding the process for 20 s', async () => {
    const polling = receive(20).then(
      () => 'answered',
      () => 'ended',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await sqs.close();
    expect(['answered', 'ended']).toContain(await polling);
    expect(performance.now() - started).toBeLessThan(5_000);
    sqs = await startSqs(LOCAL_CREDENTIALS); // for afterEach
  });
});
