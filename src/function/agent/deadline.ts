/**
 * The request's time budget, from Lambda's own clock. The agent asks it
 * before every model call and tool run, so it stops in time to answer
 * instead of being killed mid-response.
 */

/** Kept back for writing the response and the log line. @unit ms */
export const RESPONSE_RESERVE_MS = 1_000;
/** A model call is not started with less than this left. @unit ms */
export const MIN_MODEL_CALL_MS = 2_000;
/** A tool is not started with less than this left. @unit ms */
export const MIN_TOOL_MS = 250;

export class Deadline {
  private readonly endsAt: number;

  /** @param remainingMs what `context.getRemainingTimeInMillis()` said at the start */
  constructor(
    remainingMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.endsAt = now() + Math.max(0, remainingMs) - RESPONSE_RESERVE_MS;
  }

  /** When the work time ends (the response reserve already taken off), on the clock of `now`. @unit ms */
  endsAtMs(): number {
    return this.endsAt;
  }

  /** Time left for work, the response reserve already taken off. @unit ms */
  remainingMs(): number {
    return Math.max(0, this.endsAt - this.now());
  }

  canStart(minimumMs: number): boolean {
    return this.remainingMs() >= minimumMs;
  }

  /**
   * Runs `work` with a signal that aborts when the work time is up. The timer
   * is cleared as soon as the work settles, so warm containers keep none.
   */
  async abortable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('request deadline reached')), Math.max(1, this.remainingMs()));
    try {
      return await work(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }
}
