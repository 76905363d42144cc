/**
 * The state table's single-table design, shared by the stack (which creates
 * the table) and the function (which reads and writes it). Pure data.
 *
 * | item | pk | sk | attributes |
 * | --- | --- | --- | --- |
 * | a session | `CALLER#<caller id>` | `SESSION#<session id>` | turns, version, lock_owner, lock_expires_at, created_at, updated_at, expires_at |
 * | a caller's usage on one UTC day | `CALLER#<caller id>` | `USAGE#<yyyy-mm-dd>` | tokens, expires_at |
 * | the deployment's usage on one UTC day | `DEPLOYMENT` | `USAGE#<yyyy-mm-dd>` | cost_micro_usd, tokens, expires_at |
 * | a job | `CALLER#<caller id>` | `JOB#<job id>` | status, request, result or error, attempts, lease, timestamps, expires_at (see jobs/store) |
 *
 * A caller's items share its partition, so no query can reach another
 * caller's sessions. `expires_at` (epoch seconds) is the table's TTL.
 */

export const STATE_KEYS = { partition: 'pk', sort: 'sk' } as const;
/** DynamoDB's TTL attribute: epoch seconds. */
export const TTL_ATTRIBUTE = 'expires_at';

export const callerPartition = (callerId: string) => `CALLER#${callerId}`;
export const DEPLOYMENT_PARTITION = 'DEPLOYMENT';
export const sessionSort = (sessionId: string) => `SESSION#${sessionId}`;
export const usageSort = (day: string) => `USAGE#${day}`;
export const jobSort = (jobId: string) => `JOB#${jobId}`;

/** The DynamoDB actions sessions use behind the URL (read, hold and store, delete with DELETE /sessions/{id}). */
export const SESSION_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;
/** The DynamoDB actions sessions use in the jobs worker: it holds and stores a job's session, and never deletes one. */
export const SESSION_WORKER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;
/** The DynamoDB actions budgets use (check both counters at once, add to them). */
export const BUDGET_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'] as const;
/** The DynamoDB actions the API function uses for jobs (create, read, cancel; delete one whose message could not be sent). */
export const JOB_API_ACTIONS = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/** The DynamoDB actions the jobs worker uses for jobs (store a scheduled one, read, start, check for a cancel, finish). */
export const JOB_WORKER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
