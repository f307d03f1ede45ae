import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { programView, teamFigures } from "../../src/dashboard/index.js";
import type { Team } from "../../src/domain/index.js";
import { PROGRAM_TEAMS_SHARDS, programTeamsShard, recordObservations } from "../../src/measure/index.js";
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
