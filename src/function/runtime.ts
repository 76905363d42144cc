/**
 * Per-container state: the configuration and the model provider, built on
 * the first request and reused by every later one in the same container.
 */
import { resolveConfig, type RuntimeConfig } from './config';
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
