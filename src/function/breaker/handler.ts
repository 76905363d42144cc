/**
 * The cost kill switch (`index.breakerHandler`): when the daily-cost alarm
 * goes to ALARM, set reserved concurrency to 0 on every function in
 * BREAKER_FUNCTION_NAMES, so Lambda throttles each new request before any
 * model call. It logs what it did and how to undo it. Its role may do
 * nothing else. A failure is thrown after the log line, so Lambda retries
 * the asynchronous invocation.
 */
import { lazyClient } from '../aws-client';
import { ConfigError } from '../errors';
import { reportError } from '../error-report';
import { writeLogLine } from '../logging';
import { LINE_DIMENSION_SETS } from '../metrics/definitions';
import { readSettingsOf } from '../settings/read';
import { parseAlarmEvent } from './alarm-event';

/** Longest one PutFunctionConcurrency may take, retries included. @unit ms */
const CALL_TIMEOUT_MS = 10_000;

export interface BreakerResult {
  /** The functions now at reserved concurrency 0. */
  readonly closed: readonly string[];
  /** Why nothing was done, when nothing was. */
  readonly ignored?: string;
}

/** The Lambda client, loaded on first use (the agent's own path never pays for it). It honours AWS_ENDPOINT_URL_LAMBDA. */
const lambdaApi = lazyClient(
  () => import('@aws-sdk/client-lambda'),
  (sdk, region) => new sdk.LambdaClient({ region, maxAttempts: 3 }),
);

export async function breakerHandler(event: unknown): Promise<BreakerResult> {
  const alarm = parseAlarmEvent(event);
  if (alarm.state !== 'ALARM') {
    const ignored = `the alarm went to ${alarm.state}, not ALARM`;
    writeLogLine('INFO', 'cost kill switch', { alarm: alarm.alarmName, state: alarm.state, ignored }, [
      { dimensionSets: LINE_DIMENSION_SETS, values: { FunctionsClosed: 0 } },
    ]);
    return { closed: [], ignored };
  }
  const { BREAKER_FUNCTION_NAMES: names, AWS_REGION: region } = readSettingsOf(process.env, ['BREAKER_FUNCTION_NAMES', 'AWS_REGION']);
  if (names.length === 0)
    throw new ConfigError('BREAKER_FUNCTION_NAMES is empty: the kill switch has no function to close. Deploy it with the stack.', 'BREAKER_FUNCTION_NAMES');

  const { sdk, client: lambda } = await lambdaApi(region);
  const outcomes = await Promise.allSettled(
    names.map((name) =>
      lambda.send(new sdk.PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }), {
        abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      }),
    ),
  );
  const closed = names.filter((_, i) => outcomes[i].status === 'fulfilled');
  const failed = names.flatMap((name, i) => {
    const outcome = outcomes[i];
    return outcome.status === 'rejected' ? [{ function_name: name, error: reportError(outcome.reason) }] : [];
  });
  writeLogLine(
    failed.length > 0 ? 'ERROR' : 'WARN',
    'cost kill switch',
    {
      alarm: alarm.alarmName,
      state: alarm.state,
      reason: alarm.reason,
      closed,
      ...(failed.length > 0 ? { failed } : {}),
      ...(closed.length > 0
        ? {
            reopen: `terraform apply (restores reserved_concurrency), or: ${closed.map((name) => `aws lambda delete-function-concurrency --function-name ${name}`).join(' && ')}`,
          }
        : {}),
    },
    [{ dimensionSets: LINE_DIMENSION_SETS, values: { FunctionsClosed: closed.length } }],
  );
  if (failed.length > 0) throw new Error(`The kill switch could not close ${failed.map((f) => f.function_name).join(', ')}; see the log line. Lambda retries.`);
  return { closed };
}
