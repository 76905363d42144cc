/**
 * The jobs worker's code, loaded on first use from a chunk of its own: the
 * agent function behind the URL never loads it, and the worker's init loads
 * it ahead of its first batch (prefetch).
 */
import type { jobHandler } from './worker';

let loaded: Promise<typeof jobHandler> | undefined;

export function loadJobsWorker(): Promise<typeof jobHandler> {
  if (!loaded) {
    const attempt = import('./worker.js').then((worker) => worker.jobHandler);
    // A failed load is not kept: the next batch tries again.
    attempt.catch(() => {
      if (loaded === attempt) loaded = undefined;
    });
    loaded = attempt;
  }
  return loaded;
}
