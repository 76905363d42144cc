/**
 * Where this execution environment's metrics go: the namespace and the
 * FunctionName dimension, read once from the settings table on their own,
 * so that a request failing on another broken setting still counts (an
 * invalid namespace falls back to the default; the configuration error
 * itself is reported by the request).
 */
import { readSettingsOf, type Env } from '../settings/read';
import { DEFAULT_METRICS_NAMESPACE } from './definitions';

export interface MetricsContext {
  readonly namespace: string;
  readonly functionName: string;
}

let current: MetricsContext | undefined;

export function metricsContext(env: Env = process.env): MetricsContext {
  current ??= resolve(env);
  return current;
}

function resolve(env: Env): MetricsContext {
  const { AWS_LAMBDA_FUNCTION_NAME: functionName } = readSettingsOf(env, ['AWS_LAMBDA_FUNCTION_NAME']);
  try {
    return { namespace: readSettingsOf(env, ['METRICS_NAMESPACE']).METRICS_NAMESPACE, functionName };
  } catch {
    return { namespace: DEFAULT_METRICS_NAMESPACE, functionName };
  }
}
