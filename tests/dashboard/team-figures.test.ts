import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { monthlyReview, programTeamFigures, programView, teamFigures } from "../../src/dashboard/index.js";
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
  it("counts members observed from the Monday of the week 30 days back, and names who was not", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const program = (await storage.programs.save(aProgram(tenantId))).value;
    const team = (await storage.teams.save(aTeam(tenantId, { id: "team-a" }))).value;
    // 30 days before now is Saturday 24 Oct; its week began Monday 19 Oct, and coverage counts from there.
    await recordObservations(storage, program, "team-a", [
      observation(team, 0, "2026-10-18T10:00:00.000Z"), // the Sunday before: outside
      observation(team, 1, "2026-10-19T10:00:00.000Z"), // the Monday: inside, 35 days ago
    ]);
    const figures = await teamFigures(storage, program, team, now, { minimum: 5, people: true });
    expect(figures.coverage).toMatchObject({ members: 3, observed: 1 });
    expect(figures.coverage.notObserved.map((m) => [m.displayName, m.lastObservedWeek])).toEqual([
      [team.members[0]?.displayName, "2026-10-12"],
      [team.members[2]?.displayName, null],
    ]);
    // The admin's look at the same team counts the same and names nobody.
    const admin = await programTeamFigures(storage, program, "team-a", now, { minimum: 5 });
    expect(admin?.coverage).toEqual({ members: 3, observed: 1, notObserved: [] });
    const line = (await programView(storage, program, now, { minimum: 5 })).teams.find((t) => t.teamId === "team-a");
    expect(line?.coverage).toEqual({ members: 3, observed: 1 });
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
    const view = await programView(storage, program, now, { minimum: 1 });
    expect(view.teams.map((t) => [t.teamId, t.recentObservations, t.coverage.observed])).toEqual(
      ids.map((id, i) => [id, i + 1, 1]),
    );
    expect(view.teams.every((t) => t.adoption["open-questions"] === 1)).toBe(true);
    const pilotObservations = [0, 2, 4, 6, 8, 10].reduce((sum, i) => sum + i + 1, 0);
    expect(view.engagement.pilot.observations).toBe(pilotObservations);
    expect(view.engagement.comparison.observations).toBe((12 * 13) / 2 - pilotObservations);
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
    const view = await programView(storage, program, now, { minimum });
    const last = (behaviourId: string) => view.trend.find((t) => t.behaviourId === behaviourId)?.weeks.at(-1);
    expect(last("open-questions")?.pilot).toBe(1);
    // One person's ratings on summarising: no share, though six people were observed that week.
    expect(last("summarises")?.pilot).toBe("withheld");
    const chain = (id: string) => view.chain.behaviours.find((b) => b.id === id)?.pilotAdoption;
    expect([chain("open-questions"), chain("summarises")]).toEqual([1, "withheld"]);
    // Each team on its own: three people on open questions, one on summarising.
    expect(view.teams.map((t) => t.adoption)).toEqual([
      { "open-questions": 1, summarises: "withheld" },
      { "open-questions": 1, summarises: null },
    ]);

    const review = await monthlyReview(storage, program, "2026-11", now, { minimum });
    const adoption = (behaviourId: string) => review.chain.find((l) => l.behaviourId === behaviourId)?.adoption.pilot;
    expect(adoption("open-questions")).toBe(1);
    expect(adoption("summarises")).toBe("withheld");
  });
});
