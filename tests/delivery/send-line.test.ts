import diagnostics from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { sendStepChannel } from "../../src/delivery/index.js";
import { SendLine, type Turn } from "../../src/delivery/worker/send-line.js";
import { ManualClock } from "../support/manual-clock.js";

const GRACE = 400;
const steps: string[] = [];
const listen = (message: unknown) => steps.push((message as { step: string }).step);
diagnostics.subscribe(sendStepChannel.name, listen);
afterEach(() => {
  steps.length = 0;
});

/** Lets the promises the line resolved run their continuations. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A delivery's turn, recorded with the clock's time when it came. */
function waitTurn(line: SendLine, clock: ManualClock, deadline: number, signal?: AbortSignal) {
  const got: { turn?: Turn; at?: number; done: boolean } = { done: false };
  void line.turn(deadline, signal).then((turn) => {
    Object.assign(got, { turn, at: clock.now(), done: true });
  });
  return got;
}

describe("SendLine", () => {
  it("gives a slot at its time, never before, to the delivery that is ready", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_200);
    const a = waitTurn(line, clock, 1_010_000);
    await settle();
    expect(a.done).toBe(false);
    clock.advance(199);
    await settle();
    expect(a.done).toBe(false);
    clock.advance(1);
    await settle();
    expect(a).toMatchObject({ turn: 1_000_200, at: 1_000_200 });
    expect(line.idle).toBe(true);
  });

  it("a slow claim's slot goes to the next delivery ready, and the slow one takes the later slot: none unspent", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    // Two deliveries booked slots 200 ms apart; the first one's claim is slow, the second is ready at once.
    line.booked(1_000_100);
    line.booked(1_000_300);
    const second = waitTurn(line, clock, 1_010_000);
    clock.advance(100);
    await settle();
    expect(second).toMatchObject({ turn: 1_000_100, at: 1_000_100 });
    clock.advance(150); // the first claim ends 150 ms after its own slot, before the second's
    const first = waitTurn(line, clock, 1_010_000);
    await settle();
    expect(first.done).toBe(false);
    clock.advance(50);
    await settle();
    expect(first).toMatchObject({ turn: 1_000_300, at: 1_000_300 });
    expect(steps.filter((s) => s.startsWith("slot-missed"))).toEqual([]);
  });

  it("ready deliveries take slots in the order they became ready", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_100);
    line.booked(1_000_200);
    const early = waitTurn(line, clock, 1_010_000);
    const late = waitTurn(line, clock, 1_010_000);
    clock.advance(100);
    await settle();
    expect([early.turn, late.done]).toEqual([1_000_100, false]);
    clock.advance(100);
    await settle();
    expect(late.turn).toBe(1_000_200);
  });

  it("a slot nobody was ready for within its grace is not spent late; the delivery it was for is told it is short", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_100);
    clock.advance(100 + GRACE + 1); // the claim ends after the grace
    const slow = waitTurn(line, clock, 1_010_000);
    await settle();
    expect(slow).toMatchObject({ turn: "short", at: 1_000_501 });
    expect(steps).toEqual(["slot-missed: no claim ready"]);
    // It books another and gets it at its time.
    line.booked(1_000_700);
    const again = waitTurn(line, clock, 1_010_000);
    clock.advance(198);
    await settle();
    expect(again.done).toBe(false);
    clock.advance(1);
    await settle();
    expect(again.turn).toBe(1_000_700);
  });

  it("within its grace a slot is still spent, late", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_100);
    clock.advance(100 + GRACE);
    const got = waitTurn(line, clock, 1_010_000);
    await settle();
    expect(got.turn).toBe(1_000_100);
  });

  it("a withdrawn delivery's slot goes to someone ready; when a slot goes unspent, the last one ready is short", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_100); // withdrawn below: its slot is anyone's
    line.booked(1_000_200);
    line.booked(1_000_300);
    line.withdrawn();
    const a = waitTurn(line, clock, 1_010_000);
    clock.advance(100);
    await settle();
    expect(a.turn).toBe(1_000_100);
    // Nobody is ready for 1_000_200 within its grace; then both remaining deliveries become ready: 1 slot, 2 of them.
    clock.advance(100 + GRACE + 1);
    const b = waitTurn(line, clock, 1_010_000);
    const c = waitTurn(line, clock, 1_010_000);
    await settle();
    expect(steps).toEqual(["slot-missed: no claim ready"]);
    expect([b.turn, c.turn]).toEqual([1_000_300, "short"]);
  });

  it("tells why a slot was missed: a line that woke after the grace with deliveries ready", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    line.booked(1_000_100);
    line.booked(1_000_120);
    const a = waitTurn(line, clock, 1_010_000);
    const b = waitTurn(line, clock, 1_010_000);
    // A stalled event loop: time moves on without the timers running, then they all run late.
    (clock as unknown as { time: number }).time += 100 + 10 + GRACE + 1;
    clock.advance(0);
    await settle();
    expect(steps).toEqual(["slot-missed: woke late"]);
    expect([a.turn, b.turn]).toEqual([1_000_120, "short"]);
  });

  it("gives up at the deadline or the stop, and the slot stays for the next", async () => {
    const clock = new ManualClock(1_000_000);
    const line = new SendLine(clock, GRACE);
    const stop = new AbortController();
    line.booked(1_005_000);
    line.booked(1_006_000);
    const byDeadline = waitTurn(line, clock, 1_001_000);
    const byStop = waitTurn(line, clock, 1_010_000, stop.signal);
    clock.advance(1_000);
    await settle();
    expect(byDeadline).toMatchObject({ turn: undefined, done: true, at: 1_001_000 });
    stop.abort();
    await settle();
    expect(byStop).toMatchObject({ turn: undefined, done: true });
    const next = waitTurn(line, clock, 1_010_000);
    clock.advance(4_000);
    await settle();
    expect(next.turn).toBe(1_005_000);
  });
});
