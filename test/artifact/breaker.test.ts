/**
 * The cost kill switch (`index.breakerHandler`) through the built zip under
 * the runtime client, invoked with the event a CloudWatch alarm action
 * sends, against a local Lambda API on 127.0.0.1 that verifies each
 * request's SigV4 signature.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_CREDENTIALS } from '../../src/dev/lambda/execution-environment';
import { emfProblems, metricValue } from '../helpers/emf';
import { ZipFunction } from '../helpers/zip-runtime';
import { startLambdaApi, type LambdaApiServer } from '../fixtures/servers/lambda-api';

const ALARM = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'cloudwatch-alarm.json'), 'utf8'));
const withState = (value: string) => ({ ...ALARM, alarmData: { ...ALARM.alarmData, state: { ...ALARM.alarmData.state, value } } });
const FUNCTIONS = ['claude-agent', 'claude-agent-worker'];

describe('the cost kill switch', () => {
  let lambdaApi: LambdaApiServer;
  let fn: ZipFunction | undefined;
  const breaker = (names: readonly string[] = FUNCTIONS) => {
    fn = new ZipFunction({ BREAKER_FUNCTION_NAMES: names.join(','), AWS_ENDPOINT_URL_LAMBDA: lambdaApi.url });
    return fn;
  };
  const killSwitchLines = () => fn!.jsonLines().filter((l) => l.message === 'cost kill switch');

  beforeAll(async () => {
    lambdaApi = await startLambdaApi(LOCAL_CREDENTIALS);
  });
  afterAll(() => lambdaApi.close());
  beforeEach(() => {
    lambdaApi.calls.length = 0;
    lambdaApi.refused.length = 0;
  });
  afterEach(async () => {
    await fn?.close();
    fn = undefined;
  });

  test('on ALARM it sends a signed PutFunctionConcurrency of 0 for each configured function, and logs how to reopen', async () => {
    const outcome = await breaker().invokeExport('breaker', ALARM);
    if (outcome.kind !== 'response') throw new Error(`${JSON.stringify(outcome)}\n${fn!.output.join('\n')}`);
    expect(JSON.parse((outcome as { payload: Buffer }).payload.toString())).toEqual({ closed: FUNCTIONS });
    expect(lambdaApi.refused).toEqual([]);
    // Both calls go out together: compared in name order.
    expect([...lambdaApi.calls].sort((a, b) => a.functionName.localeCompare(b.functionName))).toEqual(
      FUNCTIONS.map((functionName) => ({ functionName, reservedConcurrentExecutions: 0, scope: 'us-east-1/lambda' })),
    );
    const [line] = killSwitchLines();
    expect(line).toMatchObject({ level: 'WARN', alarm: 'claude-agent-daily-cost', state: 'ALARM', closed: FUNCTIONS });
    expect(line.reason).toContain('Threshold Crossed');
    expect(line.reopen).toContain('terraform apply');
    expect(line.reopen).toContain('aws lambda delete-function-concurrency --function-name claude-agent-worker');
    expect(emfProblems(JSON.stringify(line))).toEqual([]);
    expect(metricValue(line, 'FunctionsClosed', ['FunctionName'])).toBe(2);
  });

  test.each([['OK'], ['INSUFFICIENT_DATA']])('on %s it does nothing, and says so', async (state) => {
    const outcome = await breaker().invokeExport('breaker', withState(state));
    expect(JSON.parse((outcome as { payload: Buffer }).payload.toString())).toEqual({ closed: [], ignored: `the alarm went to ${state}, not ALARM` });
    expect(lambdaApi.calls).toEqual([]);
    expect(metricValue(killSwitchLines()[0], 'FunctionsClosed', ['FunctionName'])).toBe(0);
  });

  test('a function it cannot close: the others are closed, the log names the failure, and the invocation fails so Lambda retries', async () => {
    lambdaApi.failFor('claude-agent-worker', 'ResourceNotFoundException');
    try {
      const outcome = await breaker().invokeExport('breaker', ALARM);
      expect(outcome).toMatchObject({ kind: 'error', phase: 'invoke' });
      expect(JSON.stringify(outcome)).toContain('could not close claude-agent-worker');
      const [line] = killSwitchLines();
      expect(line).toMatchObject({ level: 'ERROR', closed: ['claude-agent'], failed: [{ function_name: 'claude-agent-worker' }] });
      expect(JSON.stringify(line.failed)).toContain('ResourceNotFoundException');
    } finally {
      lambdaApi.failFor('claude-agent-worker', undefined);
    }
  });

  test('an event that is not a CloudWatch alarm’s is refused, and nothing is closed', async () => {
    const outcome = await breaker().invokeExport('breaker', { source: 'aws.events', detail: {} });
    expect(outcome).toMatchObject({ kind: 'error' });
    expect(JSON.stringify(outcome)).toContain('CloudWatch alarm action');
    expect(lambdaApi.calls).toEqual([]);
  });

  test('with no function configured it fails, naming BREAKER_FUNCTION_NAMES', async () => {
    const outcome = await breaker([]).invokeExport('breaker', ALARM);
    expect(outcome).toMatchObject({ kind: 'error' });
    expect(JSON.stringify(outcome)).toContain('BREAKER_FUNCTION_NAMES');
    expect(lambdaApi.calls).toEqual([]);
  });

  test('the local Lambda API really checks signatures: an unsigned or re-dated request is refused', async () => {
    const unsigned = await fetch(`${lambdaApi.url}/2017-10-31/functions/claude-agent/concurrency`, {
      method: 'PUT',
      body: '{"ReservedConcurrentExecutions":0}',
    });
    expect(unsigned.status).toBe(403);
    const forged = await fetch(`${lambdaApi.url}/2017-10-31/functions/claude-agent/concurrency`, {
      method: 'PUT',
      body: '{"ReservedConcurrentExecutions":0}',
      headers: {
        'x-amz-date': '20261125T120000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20261125/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
    });
    expect(forged.status).toBe(403);
    expect(lambdaApi.refused.map((r) => r.why)).toEqual(['no SigV4 Authorization header', 'the signature does not match the request (SignatureDoesNotMatch)']);
    expect(lambdaApi.calls).toEqual([]);
  });
});
