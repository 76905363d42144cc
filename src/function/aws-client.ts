/**
 * The AWS SDK clients the function uses only for some features (the state
 * table, the jobs queue, job events, the kill switch): each package is
 * loaded on first use, from a chunk of its own, so a deployment without the
 * feature never loads or parses it. Clients honour the SDK's standard
 * `AWS_ENDPOINT_URL_<SERVICE>`. Failures of a call become the contract's
 * errors in one way: the deadline's, or "unavailable" naming what failed.
 */
import { DeadlineError, StateUnavailableError } from './errors';

export type Connect<Sdk, Client> = (region: string) => Promise<{ readonly sdk: Sdk; readonly client: Client }>;

/**
 * A client created on first use with `create` from the package `load`
 * imports (write it as `() => import('<package>')`, so the bundler splits
 * it), kept per Region. A failed load is not kept: the next call tries again.
 */
export function lazyClient<Sdk, Client>(load: () => Promise<Sdk>, create: (sdk: Sdk, region: string) => Client): Connect<Sdk, Client> {
  let loaded: { region: string; connection: Promise<{ sdk: Sdk; client: Client }> } | undefined;
  return (region) => {
    if (!loaded || loaded.region !== region) {
      const connection = load().then((sdk) => ({ sdk, client: create(sdk, region) }));
      const entry = { region, connection };
      loaded = entry;
      connection.catch(() => {
        if (loaded === entry) loaded = undefined;
      });
    }
    return loaded.connection;
  };
}

/**
 * The contract's error for a failed call: a DeadlineError when the
 * request's own signal ended it, else a StateUnavailableError (503) with the
 * error's name in `unavailable`'s message and the service's request id.
 */
export function serviceFailure(error: unknown, signal: AbortSignal | undefined, messages: { deadline: string; unavailable: (name: string) => string }): Error {
  if (signal?.aborted) return new DeadlineError(messages.deadline, { cause: error });
  const name = error instanceof Error ? error.name : 'Error';
  const requestId = (error as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId;
  return new StateUnavailableError(messages.unavailable(name), { cause: error, ...(typeof requestId === 'string' ? { upstreamRequestId: requestId } : {}) });
}

/** `signal` bounded by `timeoutMs` as well. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
