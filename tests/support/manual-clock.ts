import type { Clock } from "../../src/delivery/index.js";

/**
 * A clock that moves only when the test says: pacing, claims, backoff and leases run on it, so tests
 * assert what the code decided at each instant instead of how fast a busy machine happened to be.
 */
export class ManualClock implements Clock {
  private sleepers: { at: number; wake: () => void }[] = [];

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        at: this.time + ms,
        wake: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener("abort", sleeper.wake, { once: true });
    });
  }

  /** Moves time on, waking (in order) everyone whose sleep is over. */
  advance(ms: number): void {
    this.time += ms;
    for (const sleeper of [...this.sleepers].sort((a, b) => a.at - b.at)) if (sleeper.at <= this.time) sleeper.wake();
  }

  /** How many are asleep now. */
  get sleeping(): number {
    return this.sleepers.length;
  }
}
