import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Team } from "../../src/domain/index.js";
import {
  behaviourTagsOf,
  computeRollups,
  kpiComparison,
  memberTagsOf,
  type ProgramTeamsWeek,
  programScope,
  programTeamsRow,
  programTeamsShard,
  readKpiSeries,
  rebuildKpiRollups,
  rebuildRollups,
  recordChallengeCompletion,
  recordNudgeResponse,
  recordObservations,
  recordSkillsCheckResult,
  submitKpiValues,
  updateKpiRollups,
} from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

async function setUp(storage: Storage) {
  const tenantId = newTenantId();
  const program = (await storage.programs.save(aProgram(tenantId))).value;
  const teamA = (await storage.teams.save(aTeam(tenantId, { id: "team-a" }))).value;
  const teamB = (await storage.teams.save(aTeam(tenantId, { id: "team-b", name: "Team B" }))).value;
  await storage.kpis.save(aKpi(tenantId));
  return { tenantId, program, teamA, teamB };
}

function observation(team: Team, member: number, levelIndex: number, observedAt: string) {
  return {
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: team.members[member]?.objectId,
    behaviourId: "open-questions",
    levelIndex,
    observedAt,
  };
}

async function storedRows(storage: Storage, tenantId: string) {
  const rows = await storage.rollups.range(tenantId, programScope("prog-1"), "", "~");
  return new Map(rows.map((r) => [r.rowKey, r.data]));
}

function rounded(rows: Map<string, unknown>) {
  return JSON.parse(
    JSON.stringify(Object.fromEntries(rows), (_k, v) => (typeof v === "number" ? Number(v.toFixed(9)) : v)),
  );
}

describe("rollups kept on write", () => {
  it("agree with a rebuild from the raw records after concurrent writes, replays included", async () => {
    const storage = await testStorage();
    const { tenantId, program, teamA, teamB } = await setUp(storage);
    const days = ["2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z", "2026-11-10T10:00:00Z", "2026-11-16T10:00:00Z"];
    // Many checklists at once on the same rows: each rollup update must survive etag conflicts.
    await Promise.all(
      days.flatMap((day, d) =>
        [teamA, teamB].flatMap((team) => [
          recordObservations(storage, program, team.id, [
            observation(team, 0, 2, day),
            observation(team, 1, d % 3, day),
          ]),
          recordObservations(storage, program, team.id, [observation(team, 2, (d + 1) % 3, day)]),
        ]),
      ),
    );
    const completion = {
      tenantId,
      deliveryId: "d-1",
      programId: "prog-1",
      assetId: "challenge-1",
      teamId: "team-a",
      managerObjectId: teamA.manager.objectId,
      outcome: "done",
      at: "2026-11-03T09:30:00Z",
    };
    expect((await recordChallengeCompletion(storage, program, completion)).recorded).toBe(true);
    expect((await recordChallengeCompletion(storage, program, completion)).recorded).toBe(false);
    await recordChallengeCompletion(storage, program, { ...completion, deliveryId: "d-2", outcome: "skipped" });
    const learner = teamA.members[0]?.objectId ?? "";
    const nudge = {
      tenantId,
      deliveryId: "n-1",
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: learner,
      response: "I asked three open questions",
      confidence: 4,
      at: "2026-11-04T12:00:00Z",
    };
    await Promise.all([recordNudgeResponse(storage, program, nudge), recordNudgeResponse(storage, program, nudge)]);
    const check = { tenantId, programId: "prog-1", assetId: "check-1", learnerObjectId: learner, answers: [1] };
    await recordSkillsCheckResult(storage, program, {
      ...check,
      deliveryId: "s-1",
      phase: "pre",
      score: 2,
      maxScore: 5,
      at: "2026-10-01T09:00:00Z",
    });
    await recordSkillsCheckResult(storage, program, {
      ...check,
      deliveryId: "s-2",
      phase: "post",
      score: 4,
      maxScore: 5,
      at: "2026-11-20T09:00:00Z",
    });

    const incremental = await storedRows(storage, tenantId);
    const rebuilt = await computeRollups(storage, program);
    expect(incremental.size).toBe(rebuilt.size);
    expect(rounded(incremental)).toEqual(rounded(rebuilt));
    expect(incremental.get("pw:2026-11-02")).toMatchObject({
      pilot: { observations: 6, membersObserved: 3, challengesDone: 1, challengesSkipped: 1, nudgeResponses: 1 },
      comparison: { observations: 6, membersObserved: 3 },
    });
    expect(incremental.get("pp")).toMatchObject({ pre: 1, post: 1, pairs: 1 });
    // The answers by week in one row: the skipped challenge and the replays add nothing.
    expect(incremental.get("pe")).toEqual({ weeks: { "2026-11-02": { challengesDone: 1, nudgeResponses: 1 } } });
    // The program view's row of every team's week: counts and three members, by tag, never by id.
    const teamsWeek = incremental.get(programTeamsRow("2026-11-02", programTeamsShard("team-a"))) as ProgramTeamsWeek;
    expect(teamsWeek.teams["team-a"]).toMatchObject({ o: 6 });
    expect(memberTagsOf(teamsWeek.teams["team-a"] ?? { m: "" })).toHaveLength(3);
    expect(behaviourTagsOf(teamsWeek.teams["team-a"] ?? {}, "open-questions")).toHaveLength(3);
    expect(JSON.stringify(teamsWeek)).not.toContain(teamA.members[0]?.objectId);
    // The month rows count by each record's own date: 2 November's and 3 November's both fall in November,
    // the October pre-check in October, and the pair in November, when its second half came in.
    const months = (incremental.get("pm") as { months: Record<string, unknown> }).months;
    expect(months["2026-11"]).toMatchObject({
      pilot: { observations: 12, challengesDone: 1, challengesSkipped: 1, nudgeResponses: 1 },
      comparison: { observations: 12, challengesDone: 0 },
      skillsCheck: { pre: 0, post: 1, pairs: 1 },
    });
    expect(months["2026-10"]).toMatchObject({ skillsCheck: { pre: 1, post: 0, pairs: 0 } });
  });

  it("rebuild repairs a drifted row and removes a row no record backs", async () => {
    const storage = await testStorage();
    const { tenantId, program, teamA } = await setUp(storage);
    await recordObservations(storage, program, "team-a", [observation(teamA, 0, 2, "2026-11-16T10:00:00Z")]);
    const scope = programScope("prog-1");
    expect(await storage.rollups.get(tenantId, scope, "tw:team-a:2026-11-16")).toBeDefined();
    await storage.rollups.overwrite({ tenantId, scope, rowKey: "tw:team-a:2026-11-16", data: { broken: true } });
    await storage.rollups.overwrite({ tenantId, scope, rowKey: "tw:team-a:2026-01-05", data: { stale: true } });
    await rebuildRollups(storage, program);
    const rows = await storedRows(storage, tenantId);
    expect(rounded(rows)).toEqual(rounded(await computeRollups(storage, program)));
    expect(rows.has("tw:team-a:2026-01-05")).toBe(false);
    expect(rows.get("tw:team-a:2026-11-16")).toMatchObject({ observations: 1, topLevel: 1 });
  });

  it("an observation the store refuses changes no rollup", async () => {
    const storage = await testStorage();
    const { tenantId, program, teamA } = await setUp(storage);
    const first = observation(teamA, 0, 2, "2026-11-16T10:00:00Z");
    await recordObservations(storage, program, "team-a", [first]);
    await expect(recordObservations(storage, program, "team-a", [first])).rejects.toThrow();
    await expect(
      recordObservations(storage, program, "team-a", [
        { ...observation(teamA, 1, 2, "2026-11-16T11:00:00Z"), levelIndex: -1 },
      ]),
    ).rejects.toThrow(/levelIndex/);
    expect((await storedRows(storage, tenantId)).get("tw:team-a:2026-11-16")).toMatchObject({ observations: 1 });
  });

  it("refuses observations that do not fit the program or team, writing nothing", async () => {
    const storage = await testStorage();
    const { tenantId, program, teamA, teamB } = await setUp(storage);
    const at = "2026-11-16T10:00:00Z";
    const cases: [unknown, RegExp][] = [
      [
        { ...observation(teamA, 0, 2, at), memberObjectId: teamB.members[0]?.objectId },
        /memberObjectId: is not a member/,
      ],
      [
        { ...observation(teamA, 0, 2, at), managerObjectId: teamB.manager.objectId },
        /managerObjectId: is not the team's manager/,
      ],
      [{ ...observation(teamA, 0, 2, at), behaviourId: "juggling" }, /behaviourId: juggling is not a behaviour/],
      [observation(teamA, 0, 3, at), /levelIndex: must be below 3/],
      [{ ...observation(teamA, 0, 2, at), programId: "other" }, /programId: does not match/],
    ];
    for (const [input, rule] of cases)
      await expect(
        recordObservations(storage, program, "team-a", [observation(teamA, 1, 2, at), input]),
      ).rejects.toThrow(rule);
    await expect(recordObservations(storage, program, "team-z", [observation(teamA, 0, 2, at)])).rejects.toThrow(
      /no team team-z/,
    );
    expect((await storage.observations.latest(tenantId, "team-a")).items).toEqual([]);
    expect(await storedRows(storage, tenantId)).toEqual(new Map());
  });

  it("keep each KPI series and the program's pilot vs comparison on write, as a rebuild computes them", async () => {
    const storage = await testStorage();
    const { tenantId, program } = await setUp(storage);
    const afterWrite = (t: string, k: string, v: Parameters<typeof updateKpiRollups>[3]) =>
      updateKpiRollups(storage, t, k, v);
    const submit = (items: { teamId: string; date: string; value: number }[]) =>
      submitKpiValues(
        storage,
        tenantId,
        items.map((i) => ({ kpiId: "win-rate", ...i })),
        { source: "manual", afterWrite },
      );
    await submit([
      { teamId: "team-a", date: "2026-10-01", value: 30 },
      { teamId: "team-b", date: "2026-10-01", value: 27 },
      { teamId: "team-a", date: "2026-09-01", value: 29 },
    ]);
    const month = (m: string, pilot: number | null, comparison: number | null) => ({
      month: m,
      pilot,
      comparison,
      pilotTeams: pilot === null ? 0 : 1,
      comparisonTeams: comparison === null ? 0 : 1,
    });
    expect(await kpiComparison(storage, program, "win-rate")).toEqual([
      month("2026-09", 29, null),
      month("2026-10", 30, 27),
    ]);
    // A corrected value and a new date: the stored comparison must not be served once its series changed.
    await submit([
      { teamId: "team-b", date: "2026-10-01", value: 28 },
      { teamId: "team-b", date: "2026-11-01", value: 29 },
    ]);
    expect(await kpiComparison(storage, program, "win-rate")).toEqual([
      month("2026-09", 29, null),
      month("2026-10", 30, 28),
      month("2026-11", null, 29),
    ]);
    expect(await readKpiSeries(storage, tenantId, "win-rate", "team-b")).toEqual([
      { date: "2026-10-01", value: 28 },
      { date: "2026-11-01", value: 29 },
    ]);
    // Moving a team to the other side changes the comparison too, with no KPI write in between.
    const swapped = {
      ...program,
      teams: program.teams.map((t) => ({
        ...t,
        role: t.role === "pilot" ? ("comparison" as const) : ("pilot" as const),
      })),
    };
    expect((await kpiComparison(storage, swapped, "win-rate"))[1]).toEqual(month("2026-10", 28, 30));
    // A team's month value is its last of the month: a later value in October moves October, not a new point.
    await submit([{ teamId: "team-a", date: "2026-10-20", value: 31 }]);
    expect((await kpiComparison(storage, program, "win-rate"))[1]).toEqual(month("2026-10", 31, 28));

    const kpiRows = async () =>
      rounded(new Map((await storage.rollups.range(tenantId, "kpi.win-rate", "", "~")).map((r) => [r.rowKey, r.data])));
    const incremental = await kpiRows();
    expect(Object.keys(incremental)).toEqual(["latest", "series:team-a", "series:team-b"]);
    // A row no value backs (a team's values were removed from the raw store) goes in the rebuild.
    await storage.rollups.overwrite({ tenantId, scope: "kpi.win-rate", rowKey: "series:team-q", data: { points: [] } });
    await rebuildKpiRollups(storage, tenantId, "win-rate");
    expect(await kpiRows()).toEqual(incremental);
  });
});
