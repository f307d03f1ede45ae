import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PlannerLoop, type PlannerLoopOptions } from "../../src/delivery/index.js";
import type { Storage } from "../../src/storage/index.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId } from "../support/storage.js";
import { seedActiveProgram, storageWithOwnQueue } from "./support.js";

const t0 = Date.parse("2026-09-07T00:00:00Z");

/** Planner loops of one test: they see only its tenants and each other (the store is shared by every test). */
function loops(storage: Storage, tenants: string[], clock: ManualClock, options: Partial<PlannerLoopOptions> = {}) {
  const group = randomUUID().slice(0, 8);
  return (name: string, own: Partial<PlannerLoopOptions> = {}) =>
    new PlannerLoop(storage, {
      instanceId: `${group}-${name}`,
      intervalMs: 60_000,
      leaseTtlMs: 30_000,
      lookbackMs: 600_000,
      horizonMs: 14 * 86_400_000,
      clock,
      tenantFilter: (t) => tenants.includes(t),
      peerFilter: (i) => i.startsWith(group),
      ...options,
      ...own,
    });
}

/** A gate a tick waits at until the test opens it. */
function gate() {
  let open: () => void = () => undefined;
  let reached: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  return {
    open,
    arrived,
    wait: () => {
      reached();
      return opened;
    },
  };
}

describe("PlannerLoop", () => {
  it("shares the tenants out: each instance takes its share, and a newcomer gets its share back", async () => {
    const storage = await storageWithOwnQueue();
    const tenants = [newTenantId(), newTenantId(), newTenantId(), newTenantId()];
    for (const t of tenants) await storage.planning.enrol(t);
    const clock = new ManualClock(t0);
    const loop = loops(storage, tenants, clock);
    const [a, b] = [loop("a"), loop("b")];
    expect((await a.check()).held).toHaveLength(4); // alone: everything
    await a.idle();
    clock.advance(10_000);
    await b.check(); // b is live now: a's share is 2, but b finds nothing free yet
    clock.advance(10_000);
    expect((await a.check()).held).toHaveLength(2); // a gives two back ...
    await a.idle();
    clock.advance(10_000);
    expect((await b.check()).held).toHaveLength(2); // ... and b takes them
    expect(new Set([...a.tenants, ...b.tenants])).toEqual(new Set(tenants));
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a slow tick: the holder's heartbeat is renewed while it runs, the other never plans the tenant meanwhile, then takes over once the holder dies and plans nothing twice", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    const slow = gate();
    const writes: string[] = [];
    const loop = loops(storage, [tenantId], clock);
    const a = loop("a", {
      beforeWrite: async () => {
        writes.push("a");
        await slow.wait();
      },
    });
    const b = loop("b", {
      beforeWrite: async () => {
        writes.push("b");
      },
    });

    expect((await a.check()).claimed).toEqual([tenantId]);
    await slow.arrived; // a's tick has planned and waits before writing: a slow tick
    for (let i = 0; i < 6; i++) {
      // A minute of checks every 10 s: a renews its heartbeat; b finds the tenant held by a live instance.
      clock.advance(10_000);
      await a.check();
      expect((await b.check()).claimed).toEqual([]);
    }
    expect(writes).toEqual(["a"]);
    slow.open();
    await a.idle();
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);

    // a dies (no more checks); once its heartbeat has run out, b takes the tenant over and plans nothing twice.
    clock.advance(40_000);
    expect((await b.check()).claimed).toEqual([tenantId]);
    await b.idle();
    expect(writes).toEqual(["a", "b"]);
    expect(b.ticks.at(-1)).toMatchObject({ tenantId, planned: 0, requeued: 0 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);
    await b.stop();
  });

  it("a holder that stalls past its heartbeat writes nothing more; the instance that took over plans it once", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    const stall = gate();
    let stalled = false;
    const loop = loops(storage, [tenantId], clock, {
      beforeWrite: async () => {
        if (stalled) return;
        stalled = true;
        await stall.wait();
      },
    });
    const [a, b] = [loop("a"), loop("b")];
    await a.check();
    await stall.arrived;
    // a stalls (no checks, no heartbeat) for longer than its heartbeat lasts; b takes over and plans.
    clock.advance(40_000);
    expect((await b.check()).claimed).toEqual([tenantId]);
    await b.idle();
    expect(b.ticks.at(-1)).toMatchObject({ tenantId, planned: 2 });
    // a wakes up: its heartbeat ran out, so it writes nothing and lets the tenant go.
    stall.open();
    await a.idle();
    expect(a.ticks).toEqual([]);
    expect(a.tenants).toEqual([]);
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a tick that outlasts its heartbeat's margin lets the tenant go; its instance, still alive, takes it back and plans it", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    let long = true;
    const loop = loops(storage, [tenantId], clock, {
      // The first tick takes 25 s before its first write (a heartbeat lasts 30 s, writes stop 10 s before).
      beforeWrite: async () => {
        if (long) clock.advance(25_000);
        long = false;
      },
    });
    const [a, b] = [loop("a"), loop("b")];
    expect((await a.check()).claimed).toEqual([tenantId]);
    await a.idle();
    expect(a.tenants).toEqual([]);
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
    // The plan row still names a, which is alive: b may not take the tenant, so a takes it back itself.
    expect((await b.check()).claimed).toEqual([]);
    expect((await a.check()).claimed).toEqual([tenantId]);
    await a.idle();
    expect(a.ticks.at(-1)).toMatchObject({ tenantId, planned: 2 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("a check costs the same few storage calls whatever the number of people; a nothing-changed tick one per tenant", async () => {
    const storage = await storageWithOwnQueue();
    const clock = new ManualClock(t0);
    const small = newTenantId();
    const large = newTenantId();
    await seedActiveProgram(storage, small, { members: 2 });
    await seedActiveProgram(storage, large, { members: 60 });
    const a = loops(storage, [small, large], clock, { horizonMs: 86_400_000 })("a");
    await a.check();
    await a.idle();
    clock.advance(60_000);
    const check = await a.check();
    await a.idle();
    // Heartbeat, instances, tenant plans.
    expect(check.storageCalls).toBe(3);
    const ticks = a.ticks.slice(-2);
    expect(ticks.map((t) => t.tenantId).sort()).toEqual([small, large].sort());
    expect(ticks.map((t) => t.storageCalls)).toEqual([1, 1]);
    await a.stop();
  });
});
