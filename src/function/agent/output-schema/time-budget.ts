/**
 * A hard time budget for synchronous work. A validator blocks the event
 * loop while it runs, so no timer can stop it; V8 can: Node's `vm` runs the
 * work with a watchdog that terminates it when the budget is spent, and the
 * function goes on to answer.
 */
import * as vm from 'node:vm';

/** The work did not finish within its budget. */
export class BudgetExceededError extends Error {
  constructor(readonly budgetMs: number) {
    super(`did not finish within ${budgetMs} ms`);
    this.name = 'BudgetExceededError';
  }
}

let sandbox: { context: vm.Context; script: vm.Script; holder: { job?: () => unknown } } | undefined;

/** Runs `job` and returns its result, or throws BudgetExceededError once `budgetMs` has passed. */
export function withinBudget<T>(budgetMs: number, job: () => T): T {
  if (!sandbox) {
    const holder: { job?: () => unknown } = {};
    sandbox = { holder, context: vm.createContext(holder), script: new vm.Script('job()') };
  }
  const ms = Math.max(1, Math.floor(budgetMs));
  sandbox.holder.job = job;
  try {
    return sandbox.script.runInContext(sandbox.context, { timeout: ms }) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new BudgetExceededError(ms);
    throw error;
  } finally {
    sandbox.holder.job = undefined;
  }
}
