import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { programView, saveReviewNotes, teamFigures } from "../../src/dashboard/index.js";
import { DomainRuleError, type Team } from "../../src/domain/index.js";
import {
  computeRollups,
  createApiKey,
  erasePersonData,
  exportPersonData,
  programScope,
  recordNudgeResponse,
  recordObservations,
  recordSkillsCheckResult,
  xapiOutbox,
} from "../../src/measure/index.js";
import {
  everyTableName,
  type Storage,
  storageAccount,
  tenantPartition,
  tenantPartitionRange,
} from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam, person } from "../support/fixtures.js";
import { newTenantId, testStorage, testStorageTarget } from "../support/storage.js";

function observation(team: Team, memberId: string, at: string) {
  return {
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: memberId,
    behaviourId: "open-questions",
    levelIndex: 2,
    observedAt: at,
  };
}

async function everyRowText(tenantId: string): Promise<string> {
  const account = storageAccount(testStorageTarget());
  const { from, to } = tenantPartitionRange(tenantId);
  const texts: string[] = [];
  for (const table of everyTableName()) {
    const client = account.table(table);
    for (const filter of [
      `PartitionKey eq '${tenantPartition(tenantId)}'`,
      `PartitionKey ge '${from}' and PartitionKey lt '${to}'`,
    ])
      for await (const row of client.listEntities({ queryOptions: { filter } })) texts.push(JSON.stringify(row));
  }
  return texts.join("\n").toLowerCase();
}

async function populated(storage: Storage) {
  const tenantId = newTenantId();
  const program = (await storage.programs.save(aProgram(tenantId))).value;
  const team = (
    await storage.teams.save(aTeam(tenantId, { members: [1, 2, 3, 4, 5].map((i) => person(`Member ${i}`)) }))
  ).value;
  await storage.teams.save(aTeam(tenantId, { id: "team-b", name: "B" }));
  await storage.kpis.save(aKpi(tenantId));
  const leaver = team.members[0]?.objectId ?? "";
  const stayer = team.members[1]?.objectId ?? "";
  await recordObservations(storage, program, team.id, [
    observation(team, leaver, "2026-11-16T10:00:00Z"),
    observation(team, stayer, "2026-11-16T10:00:00Z"),
  ]);
  await recordNudgeResponse(
    storage,
    program,
    {
      tenantId,
      deliveryId: "n-1",
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: leaver,
      response: "done",
      confidence: 3,
      at: "2026-11-17T10:00:00Z",
    },
    xapiOutbox(storage, { tenantId, lrsConfigured: false }),
  );
  await recordSkillsCheckResult(storage, program, {
    tenantId,
    deliveryId: "s-1",
    programId: "prog-1",
    assetId: "check-1",
    learnerObjectId: leaver,
    phase: "pre",
    answers: [],
    score: 1,
    maxScore: 2,
    at: "2026-10-01T10:00:00Z",
  });
  await storage.deliveries.create({
    id: "2026-11-17T09-00-00Z.nudge",
    tenantId,
    programId: "prog-1",
    assetId: "nudge-1",
    scheduleEntryId: "tue-nudge",
    teamId: team.id,
    recipientObjectId: leaver,
    recipientRole: "learner",
    slot: "2026-11-17T09:00:00Z",
    updatedAt: "2026-11-17T09:00:00Z",
  });
  await storage.conversations.upsert({
    tenantId,
    objectId: leaver,
    conversationId: "a:1",
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    updatedAt: "2026-11-01T00:00:00Z",
  });
  await createApiKey(storage, "pepper-pepper-pepper-pepper-pepper-1", { tenantId, name: "BI", createdBy: leaver });
  return { tenantId, program, team, leaver, stayer };
}

describe("a person's data", () => {
  it("is exported from every table that mentions them", async () => {
    const storage = await testStorage();
    const { tenantId, leaver } = await populated(storage);
    const exported = await exportPersonData(storageAccount(testStorageTarget()), tenantId, leaver);
    expect(Object.keys(exported).sort()).toEqual(
      expect.arrayContaining([
        "conversations",
        "deliveries",
        "nudgeresponses",
        "observations",
        "skillscheckresults",
        "teams",
      ]),
    );
    expect(exported.observations).toHaveLength(1);
  });

  it("is erased completely: the id is in no table afterwards, other people's data stays", async () => {
    const storage = await testStorage();
    const { tenantId, program, team, leaver, stayer } = await populated(storage);
    await saveReviewNotes(storage, program, "2026-11", { text: "Good month", updatedBy: leaver, etag: null });
    expect(await everyRowText(tenantId)).toContain(leaver);

    await erasePersonData(storage, storageAccount(testStorageTarget()), tenantId, leaver);

    expect(await everyRowText(tenantId)).not.toContain(leaver);
    expect(await everyRowText(tenantId)).toContain(stayer);
    expect((await storage.teams.get(tenantId, team.id))?.value.members).toHaveLength(4);
    const rowsWithNotes = await storage.rollups.range(tenantId, programScope("prog-1"), "", "~");
    const rows = rowsWithNotes.filter((r) => !r.rowKey.startsWith("review:"));
    expect(new Map(rows.map((r) => [r.rowKey, r.data]))).toEqual(await computeRollups(storage, program));
    expect(rowsWithNotes.find((r) => r.rowKey === "review:2026-11")?.data).toMatchObject({
      text: "Good month",
      updatedBy: "erased",
    });
    expect(rows.find((r) => r.rowKey === "tw:team-a:2026-11-16")?.data).toMatchObject({
      observations: 1,
      memberIds: [stayer],
    });
  });

  it("refuses to erase a team's manager and changes nothing", async () => {
    const storage = await testStorage();
    const { tenantId, team } = await populated(storage);
    const before = await everyRowText(tenantId);
    await expect(
      erasePersonData(storage, storageAccount(testStorageTarget()), tenantId, team.manager.objectId),
    ).rejects.toBeInstanceOf(DomainRuleError);
    expect(await everyRowText(tenantId)).toBe(before);
  });
});

describe("small groups", () => {
  it("withhold a share of fewer people's ratings than the minimum, and pre/post means of fewer pairs", async () => {
    const storage = await testStorage();
    const { tenantId, program, team, leaver } = await populated(storage);
    await recordSkillsCheckResult(storage, program, {
      tenantId,
      deliveryId: "s-2",
      programId: "prog-1",
      assetId: "check-1",
      learnerObjectId: leaver,
      phase: "post",
      answers: [],
      score: 2,
      maxScore: 2,
      at: "2026-11-18T10:00:00Z",
    });
    const now = new Date("2026-11-20T00:00:00Z");
    // Two of the team's five members were observed: a share of two people's ratings is withheld at 5 or 3,
    // shown at 2, whatever the team's size; the counts stay.
    const adoptionAt = async (minimum: number) =>
      (await teamFigures(storage, program, team, now, { minimum })).behaviours[0]?.currentAdoption;
    expect(await adoptionAt(5)).toBe("withheld");
    expect(await adoptionAt(3)).toBe("withheld");
    expect(await adoptionAt(2)).toBe(1);
    expect((await teamFigures(storage, program, team, now, { minimum: 5 })).coverage).toMatchObject({
      members: 5,
      observed: 2,
    });
    expect((await programView(storage, program, now, { minimum: 5 })).prePost).toMatchObject({
      pairs: 1,
      preMean: "withheld",
      change: "withheld",
    });
    expect((await programView(storage, program, now, { minimum: 1 })).prePost).toMatchObject({
      pairs: 1,
      preMean: 0.5,
      postMean: 1,
      change: 0.5,
    });
  });
});
