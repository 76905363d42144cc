/**
 * Reading the environment: one helper per type, each failing with a message
 * that names the variable, the value, and what it should be.
 */
import { ConfigError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`Environment variable ${name} is required.`);
  return value.trim();
}

export function optionalEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function intEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} is "${raw}"; it must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function boolEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalEnv(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`Environment variable ${name} is "${raw}"; it must be "true" or "false".`);
}

export function oneOfEnv<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`Environment variable ${name} is "${raw}"; it must be one of ${allowed.join(', ')}.`);
  }
  return raw as T;
}
