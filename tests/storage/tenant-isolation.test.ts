import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { deliveryIdFor } from "../../src/domain/index.js";
import { onboardTenant } from "../../src/onboarding/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aChallenge, aDelivery, aKpi, aProgram, aTeam, now } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

/**
 * Tenant A writes one of everything; tenant B then asks for the same ids through every read method and
 * must get nothing, because every partition key starts with the tenant id.
 */
describe("tenant isolation", () => {
  const a = newTenantId();
  const b = newTenantId();
  const team = aTeam(a);
  const manager = team.manager.objectId;
  const member = team.members[0]?.objectId ?? "";
  const slot = new Date("2026-11-24T09:00:00Z");
  const deliveryId = deliveryIdFor("prog-1", "challenge-1", manager, slot);
  let storage: Storage;

  beforeAll(async () => {
    storage = await testStorage();
    await onboardTenant(storage, { tenantId: a, displayName: "Tenant A", adminObjectIds: [manager] }, new Date(now));
    await storage.kpis.save(aKpi(a));
    await storage.kpiValues.upsertMany(a, "win-rate", [
      {
        tenantId: a,
        kpiId: "win-rate",
        teamId: "team-a",
        date: "2026-10-31",
        value: 30,
        source: "csv",
        recordedAt: now,
      },
    ]);
    await storage.teams.save(team);
    await storage.programs.save(aProgram(a));
    await storage.assets.save(aChallenge(a));
    await storage.deliveries.create(aDelivery(a, manager, slot, { updatedAt: now }));
    await storage.observations.addForTeam(a, "team-a", [
      {
        id: "o1",
        tenantId: a,
        programId: "prog-1",
        teamId: "team-a",
        managerObjectId: manager,
        memberObjectId: member,
        behaviourId: "open-questions",
        levelIndex: 1,
        observedAt: now,
      },
    ]);
    await storage.challengeCompletions.record({
      tenantId: a,
      deliveryId,
      programId: "prog-1",
      assetId: "challenge-1",
      teamId: "team-a",
      managerObjectId: manager,
      outcome: "done",
      at: now,
    });
    await storage.nudgeResponses.record({
      tenantId: a,
      deliveryId: "d-nudge",
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: member,
      response: "Tried it",
      confidence: 4,
      at: now,
    });
    await storage.skillsCheckResults.record({
      tenantId: a,
      deliveryId: "d-check",
      programId: "prog-1",
      assetId: "check-1",
      learnerObjectId: member,
      phase: "pre",
      answers: [1],
      score: 1,
      maxScore: 1,
      at: now,
    });
    await storage.conversations.upsert({
      tenantId: a,
      objectId: manager,
      conversationId: "a:1",
      serviceUrl: "https://smba.trafficmanager.net/emea/",
      updatedAt: now,
    });
  });

  it("tenant A can read what it wrote (so the checks below are meaningful)", async () => {
    expect(await storage.tenants.get(a)).toBeDefined();
    expect(await storage.programs.get(a, "prog-1")).toBeDefined();
    expect((await storage.observations.latest(a, "team-a")).items).toHaveLength(1);
    expect(await storage.deliveries.get(a, manager, deliveryId)).toBeDefined();
    expect(await all(storage.deliveries.eachOfProgram(a, "prog-1"))).toHaveLength(1);
  });

  it("tenant B reads nothing of tenant A through any method", async () => {
    const s = storage;
    const range = { from: new Date("2026-01-01"), to: new Date("2027-01-01") };
    expect(await s.tenants.get(b)).toBeUndefined();
    expect(await s.programs.get(b, "prog-1")).toBeUndefined();
    expect((await s.programs.list(b)).items).toEqual([]);
    expect((await s.programs.list(b, { status: "draft" })).items).toEqual([]);
    const eachProgram = [];
    for await (const p of s.programs.each(b, "draft")) eachProgram.push(p);
    expect(eachProgram).toEqual([]);
    expect(await s.kpis.get(b, "win-rate")).toBeUndefined();
    expect((await s.kpis.list(b)).items).toEqual([]);
    expect((await s.kpiValues.series(b, "win-rate", "team-a")).items).toEqual([]);
    expect((await s.kpiValues.list(b, "win-rate")).items).toEqual([]);
    expect(await s.teams.get(b, "team-a")).toBeUndefined();
    expect((await s.teams.list(b)).items).toEqual([]);
    expect(await s.teams.teamsOf(b, manager)).toEqual([]);
    expect(await s.assets.get(b, "prog-1", "challenge-1")).toBeUndefined();
    expect((await s.assets.list(b, "prog-1")).items).toEqual([]);
    expect(await s.assets.all(b, "prog-1")).toEqual([]);
    expect(await s.deliveries.get(b, manager, deliveryId)).toBeUndefined();
    expect((await s.deliveries.forRecipient(b, manager, range)).items).toEqual([]);
    expect(await all(s.deliveries.eachOfProgram(b, "prog-1"))).toEqual([]);
    expect((await s.observations.latest(b, "team-a")).items).toEqual([]);
    expect((await s.observations.since(b, "team-a", new Date(0))).items).toEqual([]);
    expect(await s.challengeCompletions.get(b, manager, deliveryId)).toBeUndefined();
    expect((await s.challengeCompletions.forPerson(b, manager)).items).toEqual([]);
    expect((await s.nudgeResponses.forPerson(b, member)).items).toEqual([]);
    expect((await s.skillsCheckResults.forPerson(b, member)).items).toEqual([]);
    expect(await s.conversations.get(b, manager)).toBeUndefined();
    expect(await s.seedMarkers.has(b, "win-rate-pilot")).toBe(false);
  });

  it("a tenant id that tries to reach past its prefix is refused, not interpreted", async () => {
    await expect(storage.programs.get(`${b}|x`, "prog-1")).rejects.toThrow(/unsafe key part/);
    await expect(storage.observations.latest(a, "team-a|other")).rejects.toThrow(/unsafe key part/);
  });

  it("a repository refuses to write another tenant's values under this tenant's call", async () => {
    await expect(
      storage.kpiValues.upsertMany(b, "win-rate", [
        {
          tenantId: a,
          kpiId: "win-rate",
          teamId: "team-a",
          date: "2026-11-30",
          value: 1,
          source: "api",
          recordedAt: now,
        },
      ]),
    ).rejects.toThrow(/must belong to kpi win-rate of this tenant/);
    await expect(
      storage.observations.addForTeam(b, "team-a", [
        {
          id: "o2",
          tenantId: a,
          programId: "prog-1",
          teamId: "team-a",
          managerObjectId: manager,
          memberObjectId: randomUUID(),
          behaviourId: "open-questions",
          levelIndex: 1,
          observedAt: now,
        },
      ]),
    ).rejects.toThrow(/must be team team-a of this tenant/);
    expect((await storage.kpiValues.series(a, "win-rate", "team-a")).items).toHaveLength(1);
    expect((await storage.observations.latest(a, "team-a")).items).toHaveLength(1);
  });
});

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const row of rows) found.push(row);
  return found;
}
