import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConversationLimiter, fullJitterMs, Lease, PlannerLoop, TenantRateLimiter } from "../../src/delivery/index.js";
import { keys } from "../../src/storage/index.js";
import { newTenantId } from "../support/storage.js";
import { seedActiveProgram, storageWithOwnQueue } from "./support.js";

describe("TenantRateLimiter", () => {
  it("shares one bucket between instances: together they never exceed burst + rate × time", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const a = new TenantRateLimiter(storage.coordination, { perSecond: 20, burst: 4, grant: 2 });
    const b = new TenantRateLimiter(storage.coordination, { perSecond: 20, burst: 4, grant: 2 });
    const started = Date.now();
    let granted = 0;
    let waited = 0;
    while (Date.now() - started < 1_000) {
      const [x, y] = await Promise.all([a.take(tenantId), b.take(tenantId)]);
      for (const wait of [x, y]) {
        if (wait === 0) granted++;
        else {
          waited++;
          expect(wait).toBeGreaterThan(0);
          expect(wait).toBeLessThanOrEqual(1_000);
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const elapsed = (Date.now() - started) / 1000;
    expect(granted).toBeLessThanOrEqual(Math.ceil(4 + 20 * elapsed) + 1);
    expect(granted).toBeGreaterThanOrEqual(10);
    expect(waited).toBeGreaterThan(0);
  });

  it("hands concurrent callers in two instances their own slots, paced at the shared rate, none wasted", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const options = { perSecond: 100, burst: 5, grant: 10 };
    const a = new TenantRateLimiter(storage.coordination, options);
    const b = new TenantRateLimiter(storage.coordination, options);
    const started = Date.now();
    const slots = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const reservation = await (i % 2 ? a : b).reserve(tenantId, 5_000);
        return { ...reservation, at: Date.now() + reservation.waitMs };
      }),
    );
    expect(slots.every((s) => s.reserved)).toBe(true);
    const times = slots.map((s) => s.at - started).sort((x, y) => x - y);
    // 120 slots at 10 ms apart with a burst of 5: the last is ~1.15 s out, and no 500 ms holds more than 5 + 50.
    expect(times.at(-1)).toBeGreaterThanOrEqual(1_000);
    for (let i = 0; i + 56 < times.length; i++)
      expect((times[i + 56] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(500 - 40);
    // Every slot booked in the shared row was handed out: the schedule moved on by exactly 120 intervals.
    const row = await storage.coordination.read<{ tat: number }>(keys.tenantCoordination(tenantId, "rate-schedule"));
    expect((row?.value.tat ?? 0) - started).toBeGreaterThanOrEqual(1_200 - 5);
    expect((row?.value.tat ?? 0) - started).toBeLessThanOrEqual(1_200 + 300);
  });

  it("refuses a slot beyond the caller's wait and says when one could be", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 2, burst: 1, grant: 1 });
    expect(await limiter.reserve(tenantId, 0)).toEqual({ reserved: true, waitMs: 0 });
    const refused = await limiter.reserve(tenantId, 100);
    expect(refused.reserved).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(100);
    expect(refused.waitMs).toBeLessThanOrEqual(500);
    const accepted = await limiter.reserve(tenantId, 1_000);
    expect(accepted.reserved).toBe(true);
    expect(accepted.waitMs).toBeGreaterThan(100);
  });

  it("keeps tenants apart", async () => {
    const storage = await storageWithOwnQueue();
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 1, burst: 1, grant: 1 });
    const [t1, t2] = [newTenantId(), newTenantId()];
    expect(await limiter.take(t1)).toBe(0);
    expect(await limiter.take(t1)).toBeGreaterThan(0);
    expect(await limiter.take(t2)).toBe(0);
  });
});

describe("ConversationLimiter", () => {
  it("allows 7 in a second and 8 in two, then says how long to wait; a Retry-After holds it off", () => {
    const limiter = new ConversationLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 7; i++) expect(limiter.take("c", t0 + i)).toBe(0);
    expect(limiter.take("c", t0 + 10)).toBe(1_000 - 10);
    expect(limiter.take("c", t0 + 1_000)).toBe(0);
    expect(limiter.take("c", t0 + 1_100)).toBe(900);
    expect(limiter.take("other", t0 + 1_100)).toBe(0);
    limiter.holdOff("other", 3_000, t0 + 1_100);
    expect(limiter.take("other", t0 + 2_100)).toBe(2_000);
  });
});

describe("fullJitterMs", () => {
  it("waits a random share of an exponentially growing, capped ceiling", () => {
    expect(fullJitterMs(0, 100, 1_000, () => 0.5)).toBe(50);
    expect(fullJitterMs(3, 100, 1_000, () => 0.5)).toBe(400);
    expect(fullJitterMs(10, 100, 1_000, () => 0.999)).toBe(999);
    expect(fullJitterMs(2, 100, 1_000, () => 0)).toBe(0);
  });
});

describe("Lease", () => {
  it("has one holder; another takes over only once the holder stops renewing", async () => {
    const storage = await storageWithOwnQueue();
    const name = `lease-${randomUUID().slice(0, 8)}`;
    const a = new Lease(storage.coordination, name, "instance-a", 1_000);
    const b = new Lease(storage.coordination, name, "instance-b", 1_000);
    const t = Date.now();
    const [ra, rb] = await Promise.all([a.acquire(t), b.acquire(t)]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    const [holder, other] = ra ? [a, b] : [b, a];
    expect(await holder.acquire(t + 500)).toBe(true);
    expect(await other.acquire(t + 900)).toBe(false);
    // The holder died: no renewal after t + 500, so the lease ends at t + 1500.
    expect(await other.acquire(t + 1_600)).toBe(true);
    expect(await holder.acquire(t + 1_700)).toBe(false);
  });
});

describe("PlannerLoop", () => {
  it("plans in one instance only; the other takes over when the holder stops, and keeps the interval", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    // The lease and the tenants are app-wide: this test's loops keep to a lease and a tenant of their own.
    const options = {
      intervalMs: 60_000,
      leaseTtlMs: 1_000,
      lookbackMs: 0,
      horizonMs: 14 * 86_400_000,
      leaseName: `planner-${randomUUID().slice(0, 8)}`,
      tenantIds: async function* () {
        yield tenantId;
      },
    };
    const a = new PlannerLoop(storage, { ...options, instanceId: `a-${randomUUID()}` });
    const b = new PlannerLoop(storage, { ...options, instanceId: `b-${randomUUID()}` });
    const now = new Date("2026-09-07T00:00:00Z");
    const [ta, tb] = await Promise.all([a.tick(now), b.tick(now)]);
    expect([ta.leader, tb.leader].filter(Boolean)).toHaveLength(1);
    expect(ta.planned + tb.planned).toBeGreaterThanOrEqual(2);
    const [leader, follower] = ta.leader ? [a, b] : [b, a];
    // Within the interval, the holder renews and does not plan again.
    const soon = new Date(now.getTime() + 500);
    expect(await leader.tick(soon)).toEqual({ leader: true, planned: 0, tenants: 0 });
    expect((await follower.tick(soon)).leader).toBe(false);
    // The holder dies; after its lease ends the follower takes over and, the interval being due, plans.
    const later = new Date(now.getTime() + 61_000);
    const taken = await follower.tick(later);
    expect(taken.leader).toBe(true);
    expect(taken.tenants).toBeGreaterThanOrEqual(1);
  });
});
