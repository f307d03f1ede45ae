import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { programView, teamFigures } from "../../src/dashboard/index.js";
import type { Team } from "../../src/domain/index.js";
import { chainView, PROGRAM_TEAMS_SHARDS, programTeamsShard, recordObservations } from "../../src/measure/index.js";
import { aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

const now = new Date("2026-11-23T09:00:00Z");

function observation(team: Team, member: number, observedAt: string) {
  return {
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: team.members[member]?.objectId,
    behaviourId: "open-questions",
    levelIndex: 2,
    observedAt,
  };
}

describe("a team's coverage from the rollups", () => {
  it("counts a member observed within 30 days, not one seen earlier in the same week", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const program = (await storage.programs.save(aProgram(tenantId))).value;
    const team = (await storage.teams.save(aTeam(tenantId, { id: "team-a" }))).value;
    // 30 days before now is Saturday 24 Oct 09:00; its week began Monday 19 Oct.
    await recordObservations(storage, program, "team-a", [
      observation(team, 0, "2026-10-20T10:00:00.000Z"), // 34 days ago, same week as the boundary
      observation(team, 1, "2026-10-24T10:00:00.000Z"), // 29 days 23 hours ago
    ]);
    const figures = await teamFigures(storage, program, team, now, { people: true });
    expect(figures.coverage.observed).toBe(1);
    expect(figures.coverage.notObserved.map((m) => [m.displayName, m.lastObservedAt])).toEqual([
      [team.members[0]?.displayName, "2026-10-19"],
      [team.members[2]?.displayName, null],
    ]);
    // A later observation of the first member in the same week moves their time forward.
    await recordObservations(storage, program, "team-a", [observation(team, 0, "2026-10-25T08:00:00.000Z")]);
    const after = await teamFigures(storage, program, team, now, { people: true });
    expect(after.coverage.observed).toBe(2);
  });
});

describe("the program view over many teams", () => {
  it("lists every team from the week rows split over shards, each with its own counts", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const ids = Array.from({ length: 12 }, (_, i) => `team-${String(i).padStart(2, "0")}`);
    // The ids land in every shard, so a shard the view forgot to read would drop teams.
    expect(new Set(ids.map(programTeamsShard)).size).toBe(PROGRAM_TEAMS_SHARDS);
    const program = (
      await storage.programs.save(
        aProgram(tenantId, { teams: ids.map((teamId, i) => ({ teamId, role: i % 2 ? "comparison" : "pilot" })) }),
      )
    ).value;
    for (const [i, id] of ids.entries()) {
      const team = (await storage.teams.save(aTeam(tenantId, { id, name: `Team ${i}` }))).value;
      // Team i: i + 1 observations of its first member this month, at the top level.
      await recordObservations(
        storage,
        program,
        id,
        Array.from({ length: i + 1 }, () => observation(team, 0, "2026-11-16T10:00:00.000Z")),
      );
    }
    const view = await programView(storage, program, now, { minGroupSize: 1 });
    expect(view.teams.map((t) => [t.teamId, t.recentObservations, t.coverage.observed])).toEqual(
      ids.map((id, i) => [id, i + 1, 1]),
    );
    expect(view.teams.every((t) => t.adoption["open-questions"] === 1)).toBe(true);
    expect(view.engagement.observations).toBe((12 * 13) / 2);
  });
});

describe("pilot vs comparison by behaviour", () => {
  it("withholds a behaviour's share when too few people were observed on that behaviour, however many on others", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const base = aProgram(tenantId);
    const [questions] = base.chain.behaviours;
    if (!questions) throw new Error("the fixture has no behaviour");
    const program = (
      await storage.programs.save(
        aProgram(tenantId, {
          teams: [
            { teamId: "p1", role: "pilot" },
            { teamId: "p2", role: "pilot" },
          ],
          chain: { ...base.chain, behaviours: [questions, { ...questions, id: "summarises", name: "Summarises" }] },
        }),
      )
    ).value;
    for (const id of ["p1", "p2"]) {
      const team = (await storage.teams.save(aTeam(tenantId, { id }))).value;
      // Every member observed on open questions; only p1's first member on summarising.
      const list = team.members.map((_, i) => observation(team, i, "2026-11-16T10:00:00.000Z"));
      if (id === "p1") list.push({ ...observation(team, 0, "2026-11-17T10:00:00.000Z"), behaviourId: "summarises" });
      await recordObservations(storage, program, id, list);
    }
    const minimum = 3;
    const view = await programView(storage, program, now, { minGroupSize: minimum });
    const last = (behaviourId: string) => view.trend.find((t) => t.behaviourId === behaviourId)?.weeks.at(-1);
    expect(last("open-questions")?.pilot).toBe(1);
    // One person's ratings on summarising: no share, though six people were observed that week.
    expect(last("summarises")?.pilot).toBeNull();

    const links = await chainView(storage, program, now, { minGroupSize: minimum });
    const adoption = (behaviourId: string) => links.find((l) => l.behaviourId === behaviourId)?.adoption.pilot;
    expect(adoption("open-questions")).toBe(1);
    expect(adoption("summarises")).toBeNull();
  });
});
