import { describe, expect, it } from "vitest";
import type { Delivery } from "../../src/domain/index.js";
import type { Messenger } from "../../src/messaging/index.js";
import type { Storage } from "../../src/storage/index.js";
import { ManualClock, runClock } from "../support/manual-clock.js";
import { newTenantId } from "../support/storage.js";
import { dueDeliveries, simulatorForFile, storageWithOwnQueue, workerFor } from "./support.js";

// Pacing runs on a clock the test moves: what is asserted is when the worker chose to send, not how
// fast a busy machine was. The simulator's own limits are lifted: they would count real time.
const connector = simulatorForFile({ perSecond: 1e9, conversationLimits: false });

/** Records the clock's time at every send. */
function timed(clock: ManualClock, sends: number[]): Messenger {
  return {
    send: (conversation, card) => {
      sends.push(clock.now());
      return connector.messenger.send(conversation, card);
    },
    update: (conversation, id, card) => connector.messenger.update(conversation, id, card),
  };
}

/** Storage whose claim writes take `latency(n)` ms of the test's clock (a storage stall), and still happen. */
function slowClaims(storage: Storage, clock: ManualClock, latency: (n: number) => number): Storage {
  let claims = 0;
  const deliveries = Object.create(storage.deliveries) as Storage["deliveries"];
  deliveries.save = async (input: unknown, etag: string) => {
    if ((input as Delivery).claimedUntil) clock.advance(latency(claims++));
    return storage.deliveries.save(input, etag);
  };
  return { ...storage, deliveries };
}

/** Storage where the `n`th claim write waits `latency(n)` ms of the test's clock while everything else goes on. */
function oneSlowClaim(storage: Storage, clock: ManualClock, latency: (n: number) => number): Storage {
  let claims = 0;
  const deliveries = Object.create(storage.deliveries) as Storage["deliveries"];
  deliveries.save = async (input: unknown, etag: string) => {
    if ((input as Delivery).claimedUntil) await clock.sleep(latency(claims++));
    return storage.deliveries.save(input, etag);
  };
  return { ...storage, deliveries };
}

describe("DeliveryWorker timing (on a manual clock)", () => {
  it("two workers send at the tenant's rate: never before a slot, never bunched", { timeout: 180_000 }, async () => {
    const clock = new ManualClock(Date.now());
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 40, {
      oneMessage: false,
    });
    const sends: number[] = [];
    // Messages stay hidden (real time) long enough that none comes back to the other worker meanwhile.
    const options = { perSecond: 20, clock, lanes: 2, idleMs: 1_000, visibilitySeconds: 300 };
    const [a, b] = [workerFor(storage, timed(clock, sends), options), workerFor(storage, timed(clock, sends), options)];
    a.start();
    b.start();
    const sentToAll = () => conversations.every((c) => connector.sim.accepted(c.conversationId) === 1);
    await runClock(clock, sentToAll);
    await Promise.all([a.stop(), b.stop()]);

    expect(conversations.map((c) => connector.sim.accepted(c.conversationId))).toEqual(conversations.map(() => 1));
    expect(a.counts.sent + b.counts.sent).toBe(40);
    sends.sort((x, y) => x - y);
    // In any second: at most the burst (4) plus 20 a second over the second and a slot's grace (500 ms).
    for (let i = 0; i < sends.length; i++) {
      const inSecond = sends.filter((t) => t >= (sends[i] ?? 0) && t < (sends[i] ?? 0) + 1_000).length;
      expect(inSecond).toBeLessThanOrEqual(4 + 20 * 1.5);
    }
    // 40 sends at 20/s take about two seconds, not less.
    expect((sends.at(-1) ?? 0) - (sends[0] ?? 0)).toBeGreaterThanOrEqual(((40 - 4) / 20) * 1000 - 500);
    for (const c of conversations) expect(connector.sim.accepted(c.conversationId)).toBe(1);
  });

  it("a claim held up past its slot is kept, and the delivery sent in a new slot, unflagged", async () => {
    const clock = new ManualClock(Date.now());
    const base = await storageWithOwnQueue();
    const storage = slowClaims(base, clock, (n) => (n === 0 ? 2_000 : 5));
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(base, tenantId, connector.sim.serviceUrl, 1);
    const sends: number[] = [];
    const worker = workerFor(storage, timed(clock, sends), { perSecond: 5, clock, idleMs: 50 });
    worker.start();
    await runClock(clock, () => connector.sim.accepted(conversations[0]?.conversationId ?? "") === 1);
    await worker.stop();
    const d = deliveries[0] as Delivery;
    const row = await base.deliveries.get(tenantId, d.recipientObjectId, d.id);
    // The claim was kept for a new slot: one attempt, which sent.
    expect(row?.value).toMatchObject({ status: "sent", attempts: 1, lastError: null, claimedUntil: null });
    expect(row?.value.mayHaveSent).toBeFalsy();
    expect(sends).toHaveLength(1);
  });

  it("a slow claim does not cost its slot: the next delivery ready sends in it, and the slow one later", async () => {
    const clock = new ManualClock(Date.now());
    const base = await storageWithOwnQueue();
    // The first claim takes a second (5 slots at 5/s); the others are instant.
    const storage = oneSlowClaim(base, clock, (n) => (n === 0 ? 1_000 : 0));
    const tenantId = newTenantId();
    const { conversations } = await dueDeliveries(base, tenantId, connector.sim.serviceUrl, 10, { oneMessage: true });
    const sends: number[] = [];
    const worker = workerFor(storage, timed(clock, sends), { perSecond: 5, clock, idleMs: 50 });
    const start = clock.now();
    worker.start();
    await runClock(clock, () => conversations.every((c) => connector.sim.accepted(c.conversationId) === 1));
    await worker.stop();
    expect(worker.counts.sent).toBe(10);
    // Ten sends in the first ten slots, 200 ms apart from the start: none missed (it would add 200 ms), none bunched.
    const gaps = sends.slice(1).map((t, i) => t - (sends[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    expect(sends[0]).toBe(start);
    expect((sends.at(-1) ?? 0) - start).toBe(9 * 200);
  });

  it("stop() ends the waits at once and hands back what is not sent: visible again, unclaimed", async () => {
    const clock = new ManualClock(Date.now());
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 5, { oneMessage: true });
    const sends: number[] = [];
    // One send a second: after the first, the other four wait for their slots.
    const worker = workerFor(storage, timed(clock, sends), { perSecond: 1, clock, idleMs: 50 });
    worker.start();
    await runClock(clock, () => sends.length === 1 && clock.sleeping >= 4);
    await worker.stop(); // the clock does not move: stop does not wait for slots
    expect(sends).toHaveLength(1);
    expect(worker.counts).toMatchObject({ sent: 1, "handed-back": 4 });
    const [back] = await storage.deliveryQueue.receive({ max: 1, visibilitySeconds: 30 });
    expect(back?.body.items).toHaveLength(4);
    for (const d of deliveries) {
      const row = await storage.deliveries.get(tenantId, d.recipientObjectId, d.id);
      expect(row?.value.claimedUntil ?? null).toBeNull();
    }
  });
});
