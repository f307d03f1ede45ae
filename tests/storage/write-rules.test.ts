import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { transitionDelivery, ValidationError } from "../../src/domain/index.js";
import { ConcurrencyError, deliveryBucket } from "../../src/storage/index.js";
import { aChallenge, aDelivery, aKpi, aProgram, aTeam, now } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

describe("deliveries", () => {
  it("refuses to plan the same slot twice and still writes the rest of the batch", async () => {
    const { deliveries } = await testStorage();
    const tenantId = newTenantId();
    const recipient = randomUUID();
    const tuesday = new Date("2026-11-24T09:00:00Z");
    const nextTuesday = new Date("2026-12-01T09:00:00Z");
    const first = await deliveries.createMany([aDelivery(tenantId, recipient, tuesday)]);
    expect(first.map((o) => "etag" in o)).toEqual([true]);
    const again = [aDelivery(tenantId, recipient, nextTuesday), aDelivery(tenantId, recipient, tuesday)];
    const outcomes = await deliveries.createMany(again);
    expect(outcomes.map((o) => ("exists" in o ? `exists ${o.delivery.slot}` : `written ${o.delivery.slot}`))).toEqual([
      `written ${nextTuesday.toISOString()}`,
      `exists ${tuesday.toISOString()}`,
    ]);
    const all = await deliveries.forRecipient(tenantId, recipient, {
      from: new Date("2026-11-01"),
      to: new Date("2027-01-01"),
    });
    expect(all.items.map((d) => d.value.slot)).toEqual([tuesday.toISOString(), nextTuesday.toISOString()]);
  });

  it("claims by etag: of two workers holding the same version, only one gets to send", async () => {
    const { deliveries } = await testStorage();
    const tenantId = newTenantId();
    const recipient = randomUUID();
    const created = await deliveries.create(aDelivery(tenantId, recipient, new Date("2026-11-24T09:00:00Z")));
    const sent = transitionDelivery(created.value, "sent", new Date(now), { attempts: 1 });
    const results = await Promise.allSettled([
      deliveries.save(sent, created.etag),
      deliveries.save({ ...sent, activityId: "other" }, created.etag),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
  });

  it("lists a person's deliveries in a time range, in slot order", async () => {
    const { deliveries } = await testStorage();
    const tenantId = newTenantId();
    const recipient = randomUUID();
    const slots = ["2026-11-30T09:00:00Z", "2026-11-23T09:00:00Z", "2026-12-07T09:00:00Z"].map((s) => new Date(s));
    for (const slot of slots) await deliveries.create(aDelivery(tenantId, recipient, slot));
    const week = await deliveries.forRecipient(tenantId, recipient, {
      from: new Date("2026-11-23T00:00:00Z"),
      to: new Date("2026-12-01T00:00:00Z"),
    });
    expect(week.items.map((d) => d.value.slot)).toEqual(["2026-11-23T09:00:00.000Z", "2026-11-30T09:00:00.000Z"]);
  });
});

describe("deliveries planned in bulk", () => {
  it("writes many people's rows in transactions, keeps a person's rows apart from the others in their bucket, and writes the rest when one row exists", async () => {
    const { deliveries } = await testStorage();
    const tenantId = newTenantId();
    // Two people in one bucket: a person's range must hold only their own rows.
    const first = randomUUID();
    let neighbour = randomUUID();
    while (deliveryBucket(neighbour) !== deliveryBucket(first)) neighbour = randomUUID();
    const people = [first, neighbour, ...Array.from({ length: 118 }, () => randomUUID())];
    const monday = new Date("2026-11-23T09:00:00Z");
    const tuesday = new Date("2026-11-24T09:00:00Z");
    const planned = people.flatMap((p) => [aDelivery(tenantId, p, monday), aDelivery(tenantId, p, tuesday)]);
    // A tick that died half-way wrote one of them already.
    await deliveries.create(aDelivery(tenantId, neighbour, tuesday));

    const outcomes = await deliveries.createMany(planned);

    expect(outcomes).toHaveLength(240);
    const exists = outcomes.filter((o) => "exists" in o);
    expect(exists.map((o) => [o.delivery.recipientObjectId, o.delivery.slot])).toEqual([
      [neighbour, tuesday.toISOString()],
    ]);
    const week = { from: new Date("2026-11-23T00:00:00Z"), to: new Date("2026-11-30T00:00:00Z") };
    for (const p of [first, neighbour]) {
      const mine = await deliveries.forRecipient(tenantId, p, week);
      expect(mine.items.map((d) => [d.value.recipientObjectId, d.value.slot])).toEqual([
        [p, monday.toISOString()],
        [p, tuesday.toISOString()],
      ]);
    }
    // Each etag returned is the row's own: a save over it wins, a second save over it loses.
    const written = outcomes.find((o) => "etag" in o && o.delivery.recipientObjectId === first) as {
      delivery: ReturnType<typeof aDelivery> & { id: string };
      etag: string;
    };
    const row = await deliveries.get(tenantId, first, written.delivery.id);
    expect(row?.etag).toBe(written.etag);
    const sent = transitionDelivery(row?.value as never, "sent", new Date(now), { attempts: 1 });
    await deliveries.save(sent, written.etag);
    await expect(deliveries.save(sent, written.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    const ofProgram = [];
    for await (const d of deliveries.eachOfProgram(tenantId, "prog-1")) ofProgram.push(d);
    expect(ofProgram.length).toBe(240);
  });
});

describe("records of what people did", () => {
  it("record once: a replayed submit writes nothing and returns what was recorded", async () => {
    const { challengeCompletions } = await testStorage();
    const tenantId = newTenantId();
    const manager = randomUUID();
    const completion = {
      tenantId,
      deliveryId: "d1",
      programId: "prog-1",
      assetId: "challenge-1",
      teamId: "team-a",
      managerObjectId: manager,
      outcome: "done",
      reflection: "first",
      at: now,
    };
    expect((await challengeCompletions.record(completion)).recorded).toBe(true);
    const replay = await challengeCompletions.record({ ...completion, outcome: "skipped", reflection: "second" });
    expect(replay).toMatchObject({ recorded: false, value: { outcome: "done", reflection: "first" } });
    expect((await challengeCompletions.forPerson(tenantId, manager)).items).toHaveLength(1);
  });

  it("keep one pre and one post skills check per learner and program", async () => {
    const { skillsCheckResults } = await testStorage();
    const tenantId = newTenantId();
    const learner = randomUUID();
    const base = {
      tenantId,
      programId: "prog-1",
      assetId: "check",
      learnerObjectId: learner,
      answers: [1],
      maxScore: 4,
      at: now,
    };
    await skillsCheckResults.record({ ...base, deliveryId: "d-pre", phase: "pre", score: 1 });
    await skillsCheckResults.record({ ...base, deliveryId: "d-post", phase: "post", score: 3 });
    expect(
      (await skillsCheckResults.record({ ...base, deliveryId: "d-post-2", phase: "post", score: 4 })).recorded,
    ).toBe(false);
    expect((await skillsCheckResults.get(tenantId, learner, "prog-1.post"))?.score).toBe(3);
  });
});

describe("invalid entities are rejected with nothing written", () => {
  it.each([
    [
      "kpi",
      async (t: string) => (await testStorage()).kpis.save({ ...aKpi(t), unit: "" }),
      async (t: string) => (await testStorage()).kpis.get(t, "win-rate"),
    ],
    [
      "asset",
      async (t: string) => (await testStorage()).assets.save({ ...aChallenge(t), behaviourIds: [] }),
      async (t: string) => (await testStorage()).assets.get(t, "prog-1", "challenge-1"),
    ],
    [
      "program",
      async (t: string) => (await testStorage()).programs.save({ ...aProgram(t), status: "live" }),
      async (t: string) => (await testStorage()).programs.get(t, "prog-1"),
    ],
    [
      "tenant",
      async (t: string) => (await testStorage()).tenants.create({ id: t, displayName: "", createdAt: now }),
      async (t: string) => (await testStorage()).tenants.get(t),
    ],
    [
      "team",
      async (t: string) => (await testStorage()).teams.save({ ...aTeam(t), members: "everyone" }),
      async (t: string) => (await testStorage()).teams.get(t, "team-a"),
    ],
    [
      "conversation",
      async (t: string) =>
        (await testStorage()).conversations.upsert({
          tenantId: t,
          objectId: t,
          conversationId: "",
          serviceUrl: "not a url",
          updatedAt: now,
        }),
      async (t: string) => (await testStorage()).conversations.get(t, t),
    ],
  ])("%s", async (_what, write, read) => {
    const tenantId = newTenantId();
    await expect(write(tenantId)).rejects.toBeInstanceOf(ValidationError);
    expect(await read(tenantId)).toBeUndefined();
  });

  it("a checklist with one bad observation records none of it", async () => {
    const { observations } = await testStorage();
    const tenantId = newTenantId();
    const good = {
      id: "ok",
      tenantId,
      programId: "prog-1",
      teamId: "team-a",
      managerObjectId: randomUUID(),
      memberObjectId: randomUUID(),
      behaviourId: "open-questions",
      levelIndex: 2,
      observedAt: now,
    };
    await expect(
      observations.addForTeam(tenantId, "team-a", [good, { ...good, id: "bad", levelIndex: -1 }]),
    ).rejects.toThrow(/levelIndex: must be 0 or more/);
    expect((await observations.latest(tenantId, "team-a")).items).toEqual([]);
  });

  it("a batch of KPI values with one bad value writes none of them", async () => {
    const { kpiValues } = await testStorage();
    const tenantId = newTenantId();
    const value = {
      tenantId,
      kpiId: "win-rate",
      teamId: "team-a",
      date: "2026-10-31",
      value: 30,
      source: "csv",
      recordedAt: now,
    };
    await expect(
      kpiValues.upsertMany(tenantId, "win-rate", [value, { ...value, date: "2026-11-31x" }]),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await kpiValues.list(tenantId, "win-rate")).items).toEqual([]);
  });
});

describe("large aggregates", () => {
  it("store a program larger than one 64 KiB property and read it back whole", async () => {
    const { programs } = await testStorage();
    const tenantId = newTenantId();
    const long = "x".repeat(3900);
    const program = aProgram(tenantId, {
      discover: {
        problemToday: long,
        desiredState: long,
        barriers: Array(20).fill("y".repeat(480)),
        strategicObjective: long,
      },
      teams: Array.from({ length: 400 }, (_, i) => ({ teamId: `team-${i}`, role: i % 2 ? "pilot" : "comparison" })),
    });
    const saved = await programs.save(program);
    expect(JSON.stringify(saved.value).length).toBeGreaterThan(32_000);
    expect((await programs.get(tenantId, "prog-1"))?.value).toEqual(saved.value);
  });
});
