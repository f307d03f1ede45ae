import { describe, expect, it } from "vitest";
import { ConversationLimiter, fullJitterMs, TeamsBudget, TenantRateLimiter } from "../../src/delivery/index.js";
import { keys } from "../../src/storage/index.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId, testStorage } from "../support/storage.js";

// The limiters run on a clock the tests move: slot times are what the limiter decided, whatever storage's latency.
const t0 = Date.parse("2026-11-23T09:00:00.000Z");

describe("TenantRateLimiter", () => {
  it("shares one bucket between instances: together they never exceed burst + rate × time", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const clock = new ManualClock(t0);
    const a = new TenantRateLimiter(storage.coordination, { perSecond: 20, burst: 4, grant: 2, clock });
    const b = new TenantRateLimiter(storage.coordination, { perSecond: 20, burst: 4, grant: 2, clock });
    let granted = 0;
    for (let ms = 0; ms <= 1_000; ms += 10, clock.advance(10)) {
      for (const wait of await Promise.all([a.take(tenantId), b.take(tenantId)])) {
        if (wait === 0) granted++;
        else expect(wait).toBeGreaterThan(0);
      }
    }
    // 4 at once, then one every 50 ms for a second.
    expect(granted).toBeLessThanOrEqual(4 + 20);
    expect(granted).toBeGreaterThanOrEqual(20);
  });

  it("hands concurrent callers in two instances their own slots, paced at the shared rate, none wasted", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const clock = new ManualClock(t0);
    const options = { perSecond: 100, burst: 5, grant: 10, horizonMs: 5_000, clock };
    const a = new TenantRateLimiter(storage.coordination, options);
    const b = new TenantRateLimiter(storage.coordination, options);
    const slots = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).reserve(tenantId, 5_000)));
    expect(slots.every((s) => s.reserved)).toBe(true);
    const times = slots.map((s) => s.at - t0).sort((x, y) => x - y);
    expect(new Set(times).size).toBeGreaterThan(110);
    // 120 slots 10 ms apart with a burst of 5: the last is 1.15 s out, and no 500 ms holds more than 5 + 50.
    expect(times.at(-1)).toBe(1_150);
    for (let i = 0; i + 55 < times.length; i++)
      expect((times[i + 55] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(500);
    // Every slot booked in the shared row was handed out: the schedule moved on by exactly 120 intervals.
    const row = await storage.coordination.read<{ tat: number }>(keys.tenantCoordination(tenantId, "rate-schedule"));
    expect((row?.value.tat ?? 0) - t0).toBe(1_200);
  });

  it("refuses a slot beyond the caller's wait and says when one could be", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const clock = new ManualClock(t0);
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 2, burst: 1, grant: 1, clock });
    expect(await limiter.reserve(tenantId, 0)).toEqual({ reserved: true, waitMs: 0, at: t0 });
    expect(await limiter.reserve(tenantId, 100)).toEqual({ reserved: false, waitMs: 500, at: t0 + 500 });
    expect(await limiter.reserve(tenantId, 1_000)).toEqual({ reserved: true, waitMs: 500, at: t0 + 500 });
  });

  it("spends a slot late rather than early: one unused past its grace is dropped, never handed out late", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const clock = new ManualClock(t0);
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 10, burst: 1, grant: 3, clock });
    // Three callers at once book three slots; only the first is now, and the two others will not wait.
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => limiter.reserve(tenantId, 0)));
    expect(first).toMatchObject({ reserved: true, at: t0 });
    expect([second?.reserved, third?.reserved]).toEqual([false, false]);
    clock.advance(1_000);
    const late = await limiter.reserve(tenantId, 1_000);
    // The slots at +100 and +200 ms are past their grace: the next slot is a new one, at or after now.
    expect(late.reserved).toBe(true);
    expect(late.at).toBeGreaterThanOrEqual(clock.now());
    expect(limiter.graceMs).toBe(400);
  });

  it("keeps tenants apart", async () => {
    const storage = await testStorage();
    const clock = new ManualClock(t0);
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 1, burst: 1, grant: 1, clock });
    const [t1, t2] = [newTenantId(), newTenantId()];
    expect(await limiter.take(t1)).toBe(0);
    expect(await limiter.take(t1)).toBe(1_000);
    expect(await limiter.take(t2)).toBe(0);
  });
});

describe("TeamsBudget", () => {
  it("waits for the tenant's slot and the conversation's windows, and gives up past the deadline", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const clock = new ManualClock(t0);
    const budget = new TeamsBudget(
      new TenantRateLimiter(storage.coordination, { perSecond: 1, burst: 1, grant: 1, clock }),
      clock,
    );
    expect(await budget.place(tenantId, "a:1", t0 + 5_000)).toEqual({ at: t0 });
    expect(budget.takeConversation("a:1")).toBe(true);
    // The next slot is a second away: past a deadline of half a second, nothing is reserved.
    expect(await budget.place(tenantId, "a:2", t0 + 500)).toEqual({ retryAt: t0 + 1_000 });
    // Within the deadline, the slot is the caller's to wait for; spent on time, or not at all.
    expect(await budget.place(tenantId, "a:2", t0 + 5_000)).toEqual({ at: t0 + 1_000 });
    clock.advance(1_000);
    expect(budget.onTime(t0 + 1_000)).toBe(true);
    clock.advance(501);
    expect(budget.onTime(t0 + 1_000)).toBe(false);
    // Teams said to leave a conversation alone for 3 s: no place for it before then; a shorter hold is waited out.
    budget.holdOff("a:3", 3_000);
    expect(await budget.place(tenantId, "a:3", clock.now() + 1_000)).toEqual({ retryAt: clock.now() + 3_000 });
    budget.holdOff("a:4", 500);
    const held = budget.place(tenantId, "a:4", clock.now() + 5_000);
    await until(() => clock.sleeping === 1);
    clock.advance(500);
    expect(await held).toEqual({ at: clock.now() });
  });
});

describe("ConversationLimiter", () => {
  it("allows 7 in a second and 8 in two, then says how long to wait; a Retry-After holds it off", () => {
    const limiter = new ConversationLimiter();
    for (let i = 0; i < 7; i++) expect(limiter.take("c", t0 + i)).toBe(0);
    expect(limiter.wait("c", t0 + 10)).toBe(1_000 - 10);
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

/** Waits (on real time, generously) until a condition holds: for promises to reach their sleep. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error("condition never held");
}
