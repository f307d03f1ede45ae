import type { Clock } from "../clock.js";
import { sendStep } from "../send-steps.js";

/**
 * What a claimed delivery gets from the line: the slot it sends in (its time is now, at most the grace late),
 * "short" when the line has no slot left for it (one went unspent: it books another), or nothing by its
 * deadline or the stop.
 */
export type Turn = number | "short" | undefined;

interface Waiter {
  resolve(turn: Turn): void;
}

/**
 * Which claimed delivery sends in which of the slots this instance booked for one tenant.
 *
 * Every delivery books a slot and writes its claim a lead before it, but a claim that takes longer than the
 * lead (a storage stall) would leave its own slot unspent, and a slot is never spent after its grace (that
 * would bunch sends). So slots are not bound to the delivery that booked them: at each slot's time it goes
 * to the delivery that has been ready longest. A slow claim then costs no slot as long as another delivery is
 * ready; it takes a later slot when it is. Deliveries and slots stay one for one: when a slot passes with
 * nobody ready, the last delivery to become ready is told it is short and books another.
 */
export class SendLine {
  /** Booked slot times not yet given to anyone, ascending. */
  private readonly slots: number[] = [];
  /** Claimed deliveries waiting for a slot, in the order they became ready. */
  private readonly ready: Waiter[] = [];
  /** Deliveries that booked a slot and have not yet claimed. */
  private claiming = 0;
  private timer: { at: number; stop: AbortController } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly graceMs: number,
  ) {}

  /** A delivery booked the slot at `at`; it claims next, then asks for its turn. */
  booked(at: number): void {
    this.claiming++;
    const i = this.slots.findIndex((s) => s > at);
    this.slots.splice(i < 0 ? this.slots.length : i, 0, at);
    this.dispatch();
  }

  /** A delivery that booked will not ask for a turn (stopped, or its claim failed): its slot is anyone's. */
  withdrawn(): void {
    this.claiming = Math.max(0, this.claiming - 1);
    this.dispatch();
  }

  /** Claimed and ready to send: resolves with a turn, in the order deliveries became ready. */
  turn(deadline: number, signal?: AbortSignal): Promise<Turn> {
    this.claiming = Math.max(0, this.claiming - 1);
    if (signal?.aborted) {
      this.dispatch();
      return Promise.resolve(undefined);
    }
    return new Promise<Turn>((resolve) => {
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const waiter: Waiter = {
        resolve: (turn) => {
          signal?.removeEventListener("abort", onAbort);
          stop.abort();
          resolve(turn);
        },
      };
      this.ready.push(waiter);
      // The deadline or the stop: out of the line, and its place is the next one's.
      void this.clock.sleep(deadline - this.clock.now(), stop.signal).then(() => {
        const i = this.ready.indexOf(waiter);
        if (i < 0) return;
        this.ready.splice(i, 1);
        waiter.resolve(undefined);
        this.dispatch();
      });
      this.dispatch();
    });
  }

  /** Nothing booked, claiming or waiting: the line can be forgotten. */
  get idle(): boolean {
    return this.slots.length === 0 && this.ready.length === 0 && this.claiming === 0;
  }

  /** `woke`: called by the line's timer. */
  private dispatch(woke = false): void {
    const now = this.clock.now();
    while (this.slots.length > 0 && (this.slots[0] ?? 0) < now - this.graceMs) {
      const slot = this.slots.shift() as number;
      // A timer was set for it (someone was ready) and ran after the grace: a stalled event loop. Otherwise
      // nobody was ready in time: claims slower than their lead.
      const timerLate = woke || (this.timer !== undefined && this.timer.at <= slot);
      sendStep(timerLate ? "slot-missed: woke late" : "slot-missed: no claim ready");
    }
    while (this.ready.length > 0 && this.slots.length > 0 && (this.slots[0] ?? 0) <= now) {
      const slot = this.slots.shift() as number;
      this.ready.shift()?.resolve(slot);
    }
    let short = this.claiming + this.ready.length - this.slots.length;
    while (short-- > 0 && this.ready.length > 0) this.ready.pop()?.resolve("short");
    this.arm();
  }

  /** One timer, at the first slot, while someone is ready for it. */
  private arm(): void {
    const first = this.slots[0];
    if (first === undefined || this.ready.length === 0) {
      this.timer?.stop.abort();
      this.timer = undefined;
      return;
    }
    if (this.timer?.at === first) return;
    this.timer?.stop.abort();
    const timer = { at: first, stop: new AbortController() };
    this.timer = timer;
    void this.clock.sleep(first - this.clock.now(), timer.stop.signal).then(() => {
      if (this.timer !== timer) return;
      this.timer = undefined;
      this.dispatch(true);
    });
  }
}
