import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { planTenant, TenantPlanner } from "../../src/delivery/index.js";
import { parseProgram, parseTeam } from "../../src/domain/index.js";
import { countingCalls, markTime, type Storage } from "../../src/storage/index.js";
import { chatAs, testBot } from "../bot/support/chat.js";
import { person } from "../support/fixtures.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId } from "../support/storage.js";
import { conversationFor, seedActiveProgram, storageWithOwnQueue } from "./support.js";

const t0 = Date.parse("2026-09-07T00:00:00Z");
const twoWeeks = { lookbackMs: 600_000, horizonMs: 14 * 86_400_000 };

/** The rows planned for these people over the next weeks. */
async function rowsOf(storage: Storage, tenantId: string, people: string[]) {
  const range = { from: new Date(t0 - 86_400_000), to: new Date(t0 + 30 * 86_400_000) };
  const rows = await Promise.all(
    people.map((p) => storage.deliveries.forRecipient(tenantId, p, range, { pageSize: 1000 })),
  );
  return rows.flatMap((page) => page.items.map((i) => i.value));
}

/** A daily 08:00 (London) nudge to every member of the pilot team, beside the Tuesday challenge to its manager. */
async function withDailyNudge(storage: Storage, tenantId: string): Promise<void> {
  const current = await storage.programs.get(tenantId, "prog-1");
  if (!current) throw new Error("no program");
  const base = current.value;
  const nudge = {
    id: "daily-nudge",
    assetId: "challenge-1",
    audience: "learners" as const,
    cadence: { kind: "weekly" as const, weekdays: [1, 2, 3, 4, 5, 6, 7], everyWeeks: 1, fromWeek: 1 },
    localTime: "08:00",
  };
  await storage.programs.save(
    parseProgram({ ...base, schedule: { ...base.schedule, entries: [...base.schedule.entries, nudge] } }),
    current.etag,
  );
}

describe("planTenant", () => {
  it("writes each due delivery once and queues it once; a later tick plans only what came inside the horizon", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { pilot, comparison } = await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);

    expect((await planTenant(storage, tenantId, { ...twoWeeks, clock })).planned).toBe(2); // two Tuesdays
    expect((await planTenant(storage, tenantId, { ...twoWeeks, clock })).planned).toBe(0);
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);

    const range = { from: new Date("2026-09-01"), to: new Date("2026-10-01") };
    const rows = await storage.deliveries.forRecipient(tenantId, pilot.manager.objectId, range);
    expect(rows.items.map((r) => r.value.slot)).toEqual(["2026-09-08T08:00:00.000Z", "2026-09-15T08:00:00.000Z"]);
    expect((await storage.deliveries.forRecipient(tenantId, comparison.manager.objectId, range)).items).toEqual([]);

    // A week on, the horizon reaches one more Tuesday; nothing planned before is written or queued again.
    clock.advance(7 * 86_400_000);
    expect(await planTenant(storage, tenantId, { ...twoWeeks, clock })).toMatchObject({ planned: 1, requeued: 0 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(3);
  });

  it("plans nothing for a tenant without an active program", async () => {
    const storage = await storageWithOwnQueue();
    const clock = new ManualClock(t0);
    expect(await planTenant(storage, newTenantId(), { ...twoWeeks, clock })).toMatchObject({ planned: 0 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });
});

describe("TenantPlanner: incremental", () => {
  it("a first plan that failed is tried again with what changed meanwhile", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    let holding = false;
    const planner = new TenantPlanner(storage, tenantId, { ...twoWeeks, clock, stillHolding: () => holding });
    await storage.planning.enrol(tenantId);
    const row = await storage.planning.tenantPlan(tenantId);
    if (!row) throw new Error("no plan row");
    // It loads, plans, and loses the tenant before writing anything.
    await expect(planner.tick(row)).rejects.toThrow(/no longer planning/);
    // Meanwhile the program gains a daily nudge to the three members.
    await withDailyNudge(storage, tenantId);
    holding = true;
    clock.advance(60_000);
    expect((await planner.tick(row)).result).toMatchObject({ planned: 2 + 3 * 14, reloaded: true });
  });

  it("plans a change for the people it touches only: a new member, a new install, a new schedule entry", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { pilot } = await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    const planner = new TenantPlanner(storage, tenantId, { ...twoWeeks, clock });
    await storage.planning.enrol(tenantId);
    let row = await storage.planning.tenantPlan(tenantId);
    if (!row) throw new Error("no plan row");
    const tick = async () => {
      const done = await planner.tick(row as NonNullable<typeof row>);
      row = done.row;
      return done.result;
    };
    expect(await tick()).toMatchObject({ planned: 2, reloaded: true });
    // Nothing changed, nothing new inside the horizon: nothing is written.
    clock.advance(60_000);
    expect(await tick()).toEqual({ planned: 0, requeued: 0, changes: 0, reloaded: false, cleared: 0 });

    // The program gains a daily nudge to members: each of the three members gets the 14 days of it.
    await withDailyNudge(storage, tenantId);
    clock.advance(60_000);
    const nudges = await tick();
    expect(nudges).toMatchObject({ planned: 3 * 14, requeued: 0, changes: 1 });

    // A new member joins the team, and installs the bot a minute later.
    const newcomer = person("Newcomer N");
    const team = await storage.teams.get(tenantId, pilot.id);
    if (!team) throw new Error("no team");
    await storage.teams.save(parseTeam({ ...team.value, members: [...team.value.members, newcomer] }), team.etag);
    clock.advance(60_000);
    expect(await tick()).toMatchObject({ planned: 0, changes: 1 }); // not installed: nothing to send yet
    await storage.conversations.upsert(conversationFor(tenantId, newcomer.objectId, "https://smba.example.test/"));
    clock.advance(60_000);
    expect(await tick()).toMatchObject({ planned: 14, requeued: 0, changes: 1 });

    // Every row queued once (messages hide until their slot, so they are counted, not read).
    const people = [pilot.manager, ...pilot.members, newcomer].map((p) => p.objectId);
    const rows = await rowsOf(storage, tenantId, people);
    expect(rows).toHaveLength(2 + 3 * 14 + 14);
    expect(rows.filter((d) => d.recipientObjectId === newcomer.objectId.toLowerCase())).toHaveLength(14);
    const messages = await storage.deliveryQueue.approximateCount();
    expect(messages).toBeGreaterThanOrEqual(2 + 14 * 2);
    expect(messages).toBeLessThanOrEqual(rows.length);
  });

  it("a person who removes the app loses the cards planned for them; re-installing, or resuming after a pause, brings back those still ahead", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { pilot } = await seedActiveProgram(storage, tenantId);
    await withDailyNudge(storage, tenantId);
    const clock = new ManualClock(t0);
    const planner = new TenantPlanner(storage, tenantId, { ...twoWeeks, clock });
    await storage.planning.enrol(tenantId);
    let row = await storage.planning.tenantPlan(tenantId);
    const tick = async () => {
      if (!row) throw new Error("no plan row");
      const done = await planner.tick(row);
      row = done.row;
      return done.result;
    };
    await tick();
    const member = pilot.members[0]?.objectId.toLowerCase() ?? "";
    const chat = () =>
      chatAs(testBot(storage, new Date(clock.now())), { tenantId, objectId: member, conversationId: "a:member" });
    await chat().installationUpdate("add");
    clock.advance(60_000);
    await tick();
    /** The member's cards still ahead, by status. */
    const ahead = async () => {
      const rows = (await rowsOf(storage, tenantId, [member])).filter((d) => Date.parse(d.slot) >= clock.now());
      const counts: Record<string, number> = {};
      for (const d of rows) counts[d.status] = (counts[d.status] ?? 0) + 1;
      return counts;
    };
    // Three days in (10 September, 09:01 UTC), the horizon planned: fourteen daily nudges ahead (11–24 September).
    clock.advance(3 * 86_400_000 + 9 * 3_600_000);
    await tick();
    expect(await ahead()).toEqual({ scheduled: 14 });

    await chat().installationUpdate("remove");
    clock.advance(60_000);
    expect(await tick()).toMatchObject({ planned: 0, changes: 1 });
    expect(await ahead()).toEqual({ expired: 14 });

    // She installs again an hour later: the fourteen come back, scheduled and queued.
    clock.advance(3_600_000);
    await chat().installationUpdate("add");
    clock.advance(60_000);
    const before = await storage.deliveryQueue.approximateCount();
    expect(await tick()).toMatchObject({ planned: 14, requeued: 0, changes: 1 });
    expect(await ahead()).toEqual({ scheduled: 14 });
    const scheduled = (await rowsOf(storage, tenantId, [member])).filter((d) => d.status === "scheduled");
    expect(scheduled.every((d) => d.lastError === null && !d.claimId)).toBe(true);
    expect(await storage.deliveryQueue.approximateCount()).toBeGreaterThan(before);

    // A pause of two days expires the two nudges inside it; "resume" brings them back.
    await chat().say("pause 2 days");
    clock.advance(60_000);
    await tick();
    expect(await ahead()).toEqual({ expired: 2, scheduled: 12 });
    await chat().say("resume");
    clock.advance(60_000);
    expect(await tick()).toMatchObject({ planned: 2, changes: 1 });
    expect(await ahead()).toEqual({ scheduled: 14 });
  });

  it("a tick that died after writing rows, before its checkpoint: the next queues them again and writes nothing twice", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const clock = new ManualClock(t0);
    await storage.planning.enrol(tenantId);
    const row = await storage.planning.tenantPlan(tenantId);
    if (!row) throw new Error("no plan row");
    // It writes its two rows (a holding check before each), then loses its claim before the checkpoint.
    let checks = 0;
    const dying = new TenantPlanner(storage, tenantId, { ...twoWeeks, clock, stillHolding: () => ++checks <= 2 });
    await expect(dying.tick(row)).rejects.toThrow(/no longer planning/);
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);

    const next = await new TenantPlanner(storage, tenantId, { ...twoWeeks, clock }).tick(row);
    expect(next.result).toMatchObject({ planned: 0, requeued: 2 });
    // A second message each (harmless: the claim decides), and still one row each.
    expect(await storage.deliveryQueue.approximateCount()).toBe(4);
    const manager = (await storage.teams.get(tenantId, "team-a"))?.value.manager.objectId ?? "";
    expect(await rowsOf(storage, tenantId, [manager])).toHaveLength(2);
    // The checkpoint is written now: the tick after plans and queues nothing.
    clock.advance(60_000);
    expect((await new TenantPlanner(storage, tenantId, { ...twoWeeks, clock }).tick(next.row)).result).toMatchObject({
      planned: 0,
      requeued: 0,
    });
  });

  it("a nothing-changed tick costs one storage call whatever the number of people", { timeout: 180_000 }, async () => {
    const storage = await storageWithOwnQueue();
    const clock = new ManualClock(t0);
    const calls: number[] = [];
    for (const members of [3, 150]) {
      const tenantId = newTenantId();
      await seedActiveProgram(storage, tenantId, { members });
      await withDailyNudge(storage, tenantId);
      const planner = new TenantPlanner(storage, tenantId, { ...twoWeeks, horizonMs: 86_400_000, clock });
      await storage.planning.enrol(tenantId);
      let row = await storage.planning.tenantPlan(tenantId);
      if (!row) throw new Error("no plan row");
      row = (await planner.tick(row)).row;
      expect(await storage.deliveryQueue.approximateCount()).toBeGreaterThan(0);
      clock.advance(60_000);
      const { result, calls: n } = await countingCalls(() => planner.tick(row as NonNullable<typeof row>));
      expect(result.result).toEqual({ planned: 0, requeued: 0, changes: 0, reloaded: false, cleared: 0 });
      calls.push(n);
    }
    expect(calls).toEqual([1, 1]);
  });

  it("reads a burst of changes again only for the minute a late write may take, then one call again", {
    timeout: 180_000,
  }, async () => {
    const storage = await storageWithOwnQueue();
    const clock = new ManualClock(t0);
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId, { members: 3 });
    const planner = new TenantPlanner(storage, tenantId, { ...twoWeeks, clock });
    await storage.planning.enrol(tenantId);
    let row = (await storage.planning.tenantPlan(tenantId)) as NonNullable<
      Awaited<ReturnType<Storage["planning"]["tenantPlan"]>>
    >;
    row = (await planner.tick(row)).row;
    // 1,200 people install (more than a page of marks), none of them in a pilot team.
    for (let i = 0; i < 1_200; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, () =>
          storage.conversations.upsert(conversationFor(tenantId, randomUUID(), "https://smba.example/")),
        ),
      );
    clock.advance(60_000);
    const applied = await planner.tick(row);
    expect(applied.result).toMatchObject({ planned: 0, changes: 1_200 });
    row = applied.row;
    // Within the minute they are read again (two pages) but not applied again …
    clock.advance(60_000);
    const again = await countingCalls(() => planner.tick(row));
    expect(again.result.result).toMatchObject({ planned: 0, requeued: 0, changes: 0 });
    expect(again.calls).toBe(2);
    // … and once the wall clock has moved past the margin, a quiet tick is one call again.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3 * 60_000 });
    await planner.tick(again.result.row);
    clock.advance(60_000);
    const quiet = await countingCalls(() => planner.tick(again.result.row));
    expect(quiet.result.result).toEqual({ planned: 0, requeued: 0, changes: 0, reloaded: false, cleared: 0 });
    expect(quiet.calls).toBe(1);
    // Ten minutes on, the checkpoint clears them, though nothing changed since: all but those of the newest
    // mark's millisecond (a takeover reads on from that mark; fifty installs at once share milliseconds).
    const marks = (await storage.planning.changesSince(tenantId, "")).map((c) => c.mark).sort();
    const newest = marks.at(-1) ?? "";
    vi.setSystemTime(Date.now() + 11 * 60_000);
    clock.advance(600_000);
    const clearing = await planner.tick(quiet.result.row);
    const left = (await storage.planning.changesSince(tenantId, "")).map((c) => c.mark);
    // The tick says how many it cleared: nothing changed, but it did work.
    expect(clearing.result).toMatchObject({ planned: 0, changes: 0, cleared: marks.length - left.length });
    expect(clearing.result.cleared).toBeGreaterThan(1_100);
    expect(left).toContain(newest);
    expect(left.every((m) => markTime(m) === markTime(newest))).toBe(true);
    expect(left.length).toBeLessThan(50);
  });
});

afterEach(() => vi.useRealTimers());
