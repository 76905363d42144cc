/**
 * Which features of the state table are on, written once as conditions over
 * the settings table: the function evaluates them over its environment, the
 * stack renders them as HCL (whether the table exists, which actions the
 * role gets), the dev server and `npm run check` evaluate them too.
 */
import { holds, type Settings } from '../settings/read';
import type { Condition } from '../settings/types';
import { BUDGET_ACTIONS, JOB_API_ACTIONS, JOB_WORKER_ACTIONS, SESSION_ACTIONS, SESSION_WORKER_ACTIONS } from './keys';

/** Server-side sessions are on. */
export const SESSIONS_ON: Condition = { isTrue: 'SESSIONS_ENABLED' };
/** A daily budget is on (0 is off). */
export const BUDGETS_ON: Condition = { any: [{ isPositive: 'CALLER_DAILY_TOKEN_BUDGET' }, { isPositive: 'DAILY_COST_BUDGET_USD' }] };
/** Jobs (a queue and a worker) are on. */
export const JOBS_ON: Condition = { isTrue: 'ASYNC_JOBS_ENABLED' };
/** A feature that needs the state table is on. */
export const STATE_TABLE_NEEDED: Condition = { any: [SESSIONS_ON, BUDGETS_ON, JOBS_ON] };
/** The settings these conditions read. */
export const STATE_FEATURE_SETTINGS = ['SESSIONS_ENABLED', 'CALLER_DAILY_TOKEN_BUDGET', 'DAILY_COST_BUDGET_USD', 'ASYNC_JOBS_ENABLED'] as const;

type FeatureSettings = Pick<Settings, (typeof STATE_FEATURE_SETTINGS)[number]>;

/** Which function's actions: the agent's (behind the URL) or the jobs worker's. */
export type StateUser = 'agent' | 'worker';

/** The DynamoDB actions `user` needs for the features that are on, sorted (the worker exists only with jobs on). */
export function stateActions(settings: FeatureSettings, user: StateUser = 'agent'): string[] {
  const on = (condition: Condition) => holds(condition, settings);
  const [sessionActions, jobActions] = user === 'agent' ? [SESSION_ACTIONS, JOB_API_ACTIONS] : [SESSION_WORKER_ACTIONS, JOB_WORKER_ACTIONS];
  return [...new Set([...(on(SESSIONS_ON) ? sessionActions : []), ...(on(BUDGETS_ON) ? BUDGET_ACTIONS : []), ...(on(JOBS_ON) ? jobActions : [])])].sort();
}
