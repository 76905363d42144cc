/**
 * Per-container state: who may call, the configuration, the model provider
 * and the state table's features, built on the first request and reused by
 * every later one in the same container.
 */
import { resolveAuth, resolveConfig, type AuthMode, type JobsConfig, type RuntimeConfig } from './config';
import { JobQueue } from './jobs/queue';
import { Jobs } from './jobs/store';
import type { Env } from './settings/read';
import { createProvider, type ModelProvider } from './providers/model-client';
import { Budgets } from './state/budgets';
import { Sessions } from './state/sessions';
import { StateStore } from './state/store';

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly provider: ModelProvider;
  /** Server-side conversations, when on. */
  readonly sessions?: Sessions;
  /** Daily budgets, when any is on. */
  readonly budgets?: Budgets;
  /** The state table, when a feature needs it (sessions, budgets and jobs all use this one). */
  readonly store?: StateStore;
  /** Jobs, when on: their items in the state table and their queue. */
  readonly jobs?: { readonly store: Jobs; readonly queue: JobQueue; readonly config: JobsConfig };
}

let current: Runtime | undefined;

export function getRuntime(env: Env = process.env): Runtime {
  if (!current) {
    const config = resolveConfig(env);
    const store = config.state ? new StateStore(config.state.tableName, config.awsRegion, config.state.callTimeoutMs) : undefined;
    const budgets = store && config.state ? new Budgets(store, config.state.budgets) : undefined;
    current = {
      config,
      provider: createProvider(config),
      ...(store ? { store } : {}),
      ...(store && config.state?.sessions ? { sessions: new Sessions(store, config.state.sessions) } : {}),
      ...(budgets?.enabled ? { budgets } : {}),
      ...(store && config.jobs
        ? { jobs: { store: new Jobs(store, config.jobs.retentionHours), queue: new JobQueue(config.jobs.queueUrl, config.awsRegion), config: config.jobs } }
        : {}),
    };
  }
  return current;
}

let auth: AuthMode | undefined;

/** Who may call: from the auth settings alone, so authentication never waits on the rest of the configuration. */
export function getAuth(env: Env = process.env): AuthMode {
  auth ??= resolveAuth(env);
  return auth;
}
