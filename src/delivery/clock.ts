/**
 * Time as delivery reads it: pacing, claims, backoff and leases all ask this, so tests run them on a clock
 * they move by hand instead of the wall clock of a busy machine.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (a stopping instance ends its waits early). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
  },
};

/** Sleeps until `at` (ms since the epoch) on `clock`. */
export function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  return clock.sleep(at - clock.now(), signal);
}
