/**
 * The event CloudWatch sends a Lambda function it invokes as an alarm
 * action (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions-Lambda):
 * only what the kill switch reads.
 */
export interface AlarmEvent {
  readonly alarmArn: string;
  readonly alarmName: string;
  /** ALARM, OK or INSUFFICIENT_DATA. */
  readonly state: string;
  readonly reason: string;
}

/** Longest alarm reason kept for the log. @unit characters */
const MAX_REASON_CHARS = 500;

/** The alarm's identity and new state; throws for an event that is not a CloudWatch alarm's. */
export function parseAlarmEvent(event: unknown): AlarmEvent {
  const e = event as { source?: unknown; alarmArn?: unknown; alarmData?: { alarmName?: unknown; state?: { value?: unknown; reason?: unknown } } } | null;
  if (!e || typeof e !== 'object' || e.source !== 'aws.cloudwatch' || typeof e.alarmArn !== 'string' || typeof e.alarmData?.state?.value !== 'string') {
    throw new TypeError(
      'The kill switch takes the event of a CloudWatch alarm action ({"source":"aws.cloudwatch","alarmArn",…,"alarmData":{"state":{"value"}}}); this is not one. Invoke it only from the daily-cost alarm.',
    );
  }
  return {
    alarmArn: e.alarmArn,
    alarmName: typeof e.alarmData.alarmName === 'string' ? e.alarmData.alarmName : e.alarmArn.split(':').pop()!,
    state: e.alarmData.state.value,
    reason: typeof e.alarmData.state.reason === 'string' ? e.alarmData.state.reason.slice(0, MAX_REASON_CHARS) : '',
  };
}
