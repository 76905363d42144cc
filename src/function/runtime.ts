/**
 * Per-container state: who may call, the configuration and the model
 * provider, built on the first request and reused by every later one in the
 * same container.
 */
import { resolveAuth, resolveConfig, type AuthMode, type RuntimeConfig } from './config';
import type { Env } from './settings/read';
import { createProvider, type ModelProvider } from './providers/model-client';

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly provider: ModelProvider;
}

let current: Runtime | undefined;

export function getRuntime(env: Env = process.env): Runtime {
  if (!current) {
    const config = resolveConfig(env);
    current = { config, provider: createProvider(config) };
  }
  return current;
}

let auth: AuthMode | undefined;

/** Who may call: from the auth settings alone, so authentication never waits on the rest of the configuration. */
export function getAuth(env: Env = process.env): AuthMode {
  auth ??= resolveAuth(env);
  return auth;
}
