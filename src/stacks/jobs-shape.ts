/**
 * The shape of the jobs resources, shared by the stack that creates them
 * (src/stacks/jobs.ts) and the policy rules that check them
 * (src/check/rules-jobs.ts). No cdktf here.
 */

/** The worker's suffix: its function, role, log group and queue are `<function_name>-jobs…`. */
export const WORKER_SUFFIX = '-jobs';
/** The dead-letter queue's suffix: `<function_name>-jobs-dlq`. */
export const DEAD_LETTER_SUFFIX = '-dlq';
/** What sends a job: the agent (POST /jobs) and the schedules' role. */
export const QUEUE_SEND_ACTIONS = ['sqs:SendMessage'];
/** The actions the worker uses on its queue (the event source mapping polls with the worker's role). */
export const WORKER_QUEUE_ACTIONS = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];
/** AWS's guidance for Lambda event sources: a visibility timeout at least six times the function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** The dead-letter queue keeps what it gets for the longest SQS allows. @unit seconds */
export const DLQ_RETENTION_SECONDS = 1_209_600;
/** A queued message lives as long as its job, within what SQS allows. @unit seconds */
export const MAX_RETENTION_SECONDS = 1_209_600;
