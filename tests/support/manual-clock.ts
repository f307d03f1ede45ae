import diagnostics from "node:diagnostics_channel";
import type { Clock } from "../../src/delivery/index.js";

/** HTTP requests of this process still waiting for their answer (storage, the simulators). */
let httpInFlight = 0;
diagnostics.subscribe("http.client.request.start", () => {
  httpInFlight++;
});
diagnostics.subscribe("http.client.response.finish", () => {
  httpInFlight--;
});

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

  /** When the next sleeper wakes; undefined when nobody sleeps. */
  get nextWake(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((s) => s.at));
  }

  /** How many are asleep now. */
  get sleeping(): number {
    return this.sleepers.length;
  }
}

/**
 * Runs the clock as a discrete-event simulation until `done` holds (or a generous real-time limit passes):
 * whenever no HTTP request is waiting for its answer and someone sleeps, time jumps to the next wake-up.
 * Storage and the simulators take no time on this clock, so only what the code chose to wait counts.
 */
export async function runClock(
  clock: ManualClock,
  done: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let quiet = 0;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("runClock: the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 1));
    quiet = httpInFlight <= 0 ? quiet + 1 : 0;
    const next = clock.nextWake;
    // Two quiet turns in a row: whatever an answer set going has had its chance to start.
    if (quiet >= 2 && next !== undefined) clock.advance(Math.max(0, next - clock.now()));
  }
}
