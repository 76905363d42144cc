/**
 * What travels on the jobs queue. POST /jobs sends a reference to the job
 * it stored (`{"job_id","caller"}`: the request itself stays in the state
 * table); an EventBridge schedule sends its request inline
 * (`{"schedule","request"}`, written by the stack), and the worker stores
 * it as a job of the caller `schedule:<name>`.
 */

export type JobMessage =
  | { readonly kind: 'job'; readonly jobId: string; readonly caller: string }
  | { readonly kind: 'schedule'; readonly schedule: string; readonly request: Record<string, unknown> };

/** A schedule's name, as the stack allows it. */
const SCHEDULE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The caller id of a scheduled job. */
export const scheduleCaller = (name: string): string => `schedule:${name}`;

/**
 * The message body, in ASCII: a caller id is the caller's exact name, and SQS
 * refuses some characters JSON would carry as they are (U+FFFE, U+FFFF), so
 * everything past ASCII travels as a JSON escape, which decodes to the same id.
 */
export function encodeJobMessage(jobId: string, caller: string): string {
  return JSON.stringify({ job_id: jobId, caller }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The message, or a sentence saying why it is not one of ours (the worker logs it and drops the message). */
export function decodeJobMessage(body: string): JobMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the message body is not JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'the message body is not a JSON object';
  const fields = json as Record<string, unknown>;
  if (typeof fields.job_id === 'string' && typeof fields.caller === 'string') return { kind: 'job', jobId: fields.job_id, caller: fields.caller };
  if (typeof fields.schedule === 'string') {
    if (!SCHEDULE_NAME.test(fields.schedule)) return 'the schedule name is not 1 to 64 letters, digits and "_ . -"';
    const request = fields.request;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) return `schedule ${fields.schedule} has no request object`;
    return { kind: 'schedule', schedule: fields.schedule, request: request as Record<string, unknown> };
  }
  return 'the message has neither job_id and caller nor schedule and request';
}
