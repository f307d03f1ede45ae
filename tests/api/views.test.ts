import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../../src/domain/index.js";
import { rebuildKpiRollups, rebuildRollups, recordObservations } from "../../src/measure/index.js";
import { skillsCheckKey } from "../../src/storage/index.js";
import { aDelivery, aTeam, now } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let managerToken: string;
let learnerToken: string;
let adminToken: string;

/** "now" is Monday 23 Nov 2026 09:00 UTC (fixtures); the week runs 23–29 Nov. */
function delivery(
  overrides: Partial<Delivery> & { slot: string; assetId: string; recipientObjectId: string },
): Delivery {
  const { slot, recipientObjectId } = overrides;
  return aDelivery(world.tenantId, recipientObjectId, slot, {
    status: "sent",
    attempts: 1,
    sentAt: slot,
    ...overrides,
  });
}

beforeAll(async () => {
  // A privacy minimum of 3: a share of member 1's ratings alone, or of members 1 and 2, is withheld.
  api = await startApi({ minGroupSize: 3 });
  world = await seedWorld(api, { programStatus: "active" });
  const { storage } = api;
  const team = (await storage.teams.get(world.tenantId, "team-a"))?.value;
  if (!team) throw new Error("no team");
  const [m1, m2] = team.members;
  if (!m1 || !m2) throw new Error("no members");
  // Two weeks of observations of member 1 (top level in the latest week); member 2 and 3 never observed.
  await storage.observations.addForTeam(
    world.tenantId,
    "team-a",
    [
      ["o1", "2026-11-10T10:00:00.000Z", 1],
      ["o2", "2026-11-17T10:00:00.000Z", 2],
      ["o3", "2026-11-18T10:00:00.000Z", 1],
    ].map(([id, observedAt, levelIndex]) => ({
      id,
      tenantId: world.tenantId,
      programId: "prog-1",
      teamId: "team-a",
      managerObjectId: team.manager.objectId,
      memberObjectId: m1.objectId,
      behaviourId: "open-questions",
      levelIndex,
      observedAt,
    })),
  );
  // KPI values: team-a (pilot) rises; team-b (comparison) flat.
  await storage.kpiValues.upsertMany(
    world.tenantId,
    "win-rate",
    [
      ["team-a", "2026-09-30", 29],
      ["team-a", "2026-10-31", 31],
      ["team-b", "2026-09-30", 28],
      ["team-b", "2026-10-31", 28],
    ].map(([teamId, date, value]) => ({
      tenantId: world.tenantId,
      kpiId: "win-rate",
      teamId,
      date,
      value,
      source: "csv",
      recordedAt: now,
    })),
  );
  // One challenge done last week, one due tomorrow.
  await storage.deliveries.create(
    delivery({
      slot: "2026-11-17T09:00:00.000Z",
      assetId: "challenge-1",
      recipientObjectId: team.manager.objectId,
      status: "completed",
      completedAt: "2026-11-17T12:00:00.000Z",
    }),
  );
  await storage.deliveries.create(
    delivery({
      slot: "2026-11-24T09:00:00.000Z",
      assetId: "challenge-1",
      recipientObjectId: team.manager.objectId,
      status: "scheduled",
      sentAt: null,
    }),
  );
  // The learner: a nudge answered last week and this week, a pre check.
  await storage.assets.save({
    id: "nudge-1",
    tenantId: world.tenantId,
    programId: "prog-1",
    title: "Open question",
    kind: "nudge",
    behaviourIds: ["open-questions"],
    content: { prompt: "Ask one open question", style: "practice" },
    updatedAt: now,
  });
  for (const slot of ["2026-11-17T09:00:00.000Z", "2026-11-23T08:00:00.000Z"]) {
    const d = delivery({
      slot,
      assetId: "nudge-1",
      recipientObjectId: m1.objectId,
      recipientRole: "learner",
      scheduleEntryId: "nudges",
    });
    await storage.deliveries.create(d);
    await storage.nudgeResponses.record({
      tenantId: world.tenantId,
      deliveryId: d.id,
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: m1.objectId,
      response: "Asked what slowness costs",
      confidence: 4,
      at: slot,
    });
  }
  await storage.skillsCheckResults.record({
    tenantId: world.tenantId,
    deliveryId: "pre-1",
    programId: "prog-1",
    assetId: "check",
    learnerObjectId: m1.objectId,
    phase: "pre",
    answers: [1, 0],
    score: 1,
    maxScore: 4,
    at: "2026-09-08T10:00:00.000Z",
  });
  expect(
    await storage.skillsCheckResults.get(world.tenantId, m1.objectId, skillsCheckKey("prog-1", "pre")),
  ).toBeDefined();
  // The manager's answer to last week's challenge.
  await storage.challengeCompletions.record({
    tenantId: world.tenantId,
    deliveryId: "challenge-done",
    programId: "prog-1",
    assetId: "challenge-1",
    teamId: "team-a",
    managerObjectId: team.manager.objectId,
    outcome: "done",
    at: "2026-11-17T12:00:00.000Z",
  });
  // The records above were written raw, as an import would: the views read rollups, so build them.
  await rebuildRollups(storage, await programOf());
  await rebuildKpiRollups(storage, world.tenantId, "win-rate");

  managerToken = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
  learnerToken = await api.entra.token({ tenantId: world.tenantId, objectId: m1.objectId });
  adminToken = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
});
afterAll(() => api.stop());

async function programOf() {
  const found = (await api.storage.programs.get(world.tenantId, "prog-1"))?.value;
  if (!found) throw new Error("no program");
  return found;
}

describe("manager view", () => {
  it("shows adoption by week, coverage, challenges, what is due and the KPI pilot vs comparison", async () => {
    const res = await api.call("GET", "/api/v1/teams/team-a/dashboard", { token: managerToken });
    expect(res.status).toBe(200);
    const [program] = res.body.programs;
    expect(program).toMatchObject({ programId: "prog-1", role: "pilot", observationCount: 3 });
    const behaviour = program.behaviours[0];
    expect(behaviour.weeks).toHaveLength(12);
    // Four-week windows: one person's ratings from the week of 9 Nov on, so every share is withheld.
    expect(behaviour.weeks.at(-4)).toEqual({ week: "2026-11-02", adoption: null, observations: 0 });
    expect(behaviour.weeks.at(-3)).toEqual({ week: "2026-11-09", adoption: "withheld", observations: 1 });
    expect(behaviour.weeks.at(-2)).toEqual({ week: "2026-11-16", adoption: "withheld", observations: 2 });
    expect(behaviour.weeks.at(-1)).toEqual({ week: "2026-11-23", adoption: "withheld", observations: 0 });
    expect(behaviour.currentAdoption).toBe("withheld");
    expect(program.coverage).toMatchObject({ members: 3, observed: 1 });
    expect(program.coverage.notObserved.map((m: { displayName: string }) => m.displayName)).toEqual([
      "Member 2",
      "Member 3",
    ]);
    expect(program.challenges).toEqual({ done: 1, sent: 1 });
    expect(program.dueThisWeek).toEqual([
      expect.objectContaining({
        title: "Count the open questions",
        kind: "micro_challenge",
        status: "scheduled",
        slot: "2026-11-24T09:00:00.000Z",
      }),
    ]);
    const [kpi] = program.kpis;
    expect(kpi).toMatchObject({
      id: "win-rate",
      role: "outcome",
      current: { value: 31, asOf: "2026-10-31" },
      trend: "improving",
    });
    expect(kpi.progress).toBeCloseTo(0.5);
    const month = (m: string, pilot: number, team: number) => ({
      month: m,
      pilot,
      comparison: 28,
      pilotTeams: 1,
      comparisonTeams: 1,
      team,
    });
    expect(kpi.bySide).toEqual([month("2026-09", 29, 29), month("2026-10", 31, 31)]);
  });

  it("shows a new observation at once (no cache between the write and the view)", async () => {
    const team = (await api.storage.teams.get(world.tenantId, "team-a"))?.value;
    const m2 = team?.members[1];
    await recordObservations(api.storage, await programOf(), "team-a", [
      {
        id: "o-new",
        tenantId: world.tenantId,
        programId: "prog-1",
        teamId: "team-a",
        managerObjectId: world.manager.objectId,
        memberObjectId: m2?.objectId,
        behaviourId: "open-questions",
        levelIndex: 2,
        observedAt: "2026-11-23T08:30:00.000Z",
      },
    ]);
    const res = await api.call("GET", "/api/v1/teams/team-a/dashboard", { token: managerToken });
    const program = res.body.programs[0];
    expect(program.coverage.observed).toBe(2);
    // Two people now: still under the minimum of 3.
    expect(program.behaviours[0].weeks.at(-1)).toEqual({
      week: "2026-11-23",
      adoption: "withheld",
      observations: 1,
    });
  });
});

describe("learner view", () => {
  it("shows my nudges with my responses, my streak and my pre/post", async () => {
    const res = await api.call("GET", "/api/v1/me/learning", { token: learnerToken });
    expect(res.status).toBe(200);
    expect(res.body.nudges).toHaveLength(2);
    expect(res.body.nudges[0]).toMatchObject({
      title: "Open question",
      prompt: "Ask one open question",
      response: { confidence: 4 },
    });
    expect(res.body.streakWeeks).toBe(2);
    expect(res.body.prePost).toEqual([
      { programId: "prog-1", programName: "Discovery that wins", pre: { score: 1, maxScore: 4 }, post: null },
    ]);
  });

  it("leaves out the before/after of a program without a skills check for a learner who has no result", async () => {
    const team = (await api.storage.teams.get(world.tenantId, "team-a"))?.value;
    const other = team?.members[1];
    if (!other) throw new Error("no second member");
    const token = await api.entra.token({ tenantId: world.tenantId, objectId: other.objectId });
    const res = await api.call("GET", "/api/v1/me/learning", { token });
    expect(res.status).toBe(200);
    expect(res.body.prePost).toEqual([]);
  });

  it("shows a manager (no nudges of their own) an empty but well-formed view", async () => {
    const res = await api.call("GET", "/api/v1/me/learning", { token: managerToken });
    expect(res.body).toMatchObject({ nudges: [], streakWeeks: 0, prePost: [] });
  });
});

describe("program view", () => {
  it("shows the chain with pilot and comparison adoption, teams, KPIs and engagement", async () => {
    const res = await api.call("GET", "/api/v1/programs/prog-1/view", { token: adminToken });
    expect(res.status).toBe(200);
    // Two pilot people observed, under the minimum of 3; nobody on the comparison side.
    expect(res.body.chain.behaviours[0]).toMatchObject({
      id: "open-questions",
      pilotAdoption: "withheld",
      comparisonAdoption: null,
    });
    expect(res.body.teams.map((t: { teamId: string; role: string }) => [t.teamId, t.role])).toEqual([
      ["team-a", "pilot"],
      ["team-b", "comparison"],
    ]);
    expect(res.body.kpis[0]).toMatchObject({ current: { value: 31, asOf: "2026-10" }, series: [] });
    expect(res.body.kpis[0].bySide.map((m: { pilot: number }) => m.pilot)).toEqual([29, 31]);
    // Deliveries by status come from the delivery report, which the tab loads beside the view.
    expect(res.body.engagement.deliveries).toBeUndefined();
    const report = await api.call("GET", "/api/v1/programs/prog-1/deliveries", { token: adminToken });
    expect(report.body.counts).toMatchObject({ completed: 1, scheduled: 1, sent: 2, failed: 0 });
    expect(res.body.engagement.pilot).toEqual({
      observations: 4,
      challengesDone: 1,
      challengesSkipped: 0,
      nudgeResponses: 2,
    });
    expect(res.body.engagement.comparison.observations).toBe(0);
    // One pre check and no pair yet: counts show, no means.
    expect(res.body.prePost).toEqual({ pre: 1, post: 0, pairs: 0, preMean: null, postMean: null, change: null });
    // Member 1 (rebuilt rows) and member 2 (recorded through the write path above) were observed.
    expect(res.body.teams[0]).toMatchObject({
      coverage: { members: 3, observed: 2 },
      adoption: { "open-questions": "withheld" },
    });
    expect(res.body.teams[0].recentObservations).toBeGreaterThan(0);
    expect(res.body.teams[1]).toMatchObject({
      coverage: { members: 1, observed: 0 },
      adoption: { "open-questions": null },
    });
    // A line per team, not its weekly series: the weeks come with the team's own request.
    expect(res.body.teams[0].behaviours).toBeUndefined();
    expect(res.body.trend[0].behaviourId).toBe("open-questions");
    expect(res.body.trend[0].weeks).toHaveLength(12);
  });

  it("withholds a side's weekly adoption when fewer people than the minimum stand behind it", async () => {
    // Two people observed on the pilot side (minimum 3 here); nobody on the comparison side.
    const res = await api.call("GET", "/api/v1/programs/prog-1/view", { token: adminToken });
    const weeks = res.body.trend[0].weeks as { pilot: unknown; comparison: unknown }[];
    expect(weeks.every((w) => typeof w.pilot !== "number" && w.comparison === null)).toBe(true);
    expect(weeks.at(-1)?.pilot).toBe("withheld");
  });

  it("gives one team's weekly chart on request, its shares withheld like the manager's", async () => {
    const a = await api.call("GET", "/api/v1/programs/prog-1/teams/team-a", { token: adminToken });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ teamId: "team-a", role: "pilot" });
    expect(a.body.coverage).toEqual({ members: 3, observed: 2, notObserved: [] });
    expect(a.body.behaviours[0].weeks).toHaveLength(12);
    const manager = await api.call("GET", "/api/v1/teams/team-a/dashboard", { token: managerToken });
    expect(a.body.behaviours).toEqual(manager.body.programs[0].behaviours);
    const b = await api.call("GET", "/api/v1/programs/prog-1/teams/team-b", { token: adminToken });
    expect(b.body).toMatchObject({ teamId: "team-b", role: "comparison" });
    expect(b.body.behaviours[0].weeks.every((w: { adoption: null }) => w.adoption === null)).toBe(true);
  });

  it("answers 404 for a team that is not in the program", async () => {
    await api.storage.teams.save(aTeam(world.tenantId, { id: "team-z", name: "Not in the program" }));
    const res = await api.call("GET", "/api/v1/programs/prog-1/teams/team-z", { token: adminToken });
    expect(res.status).toBe(404);
    expect(res.body.behaviours).toBeUndefined();
    const missing = await api.call("GET", "/api/v1/programs/prog-1/teams/no-such-team", { token: adminToken });
    expect(missing.status).toBe(404);
  });
});

describe("where the figures come from", () => {
  it("reads the rollups, not the raw observations: a raw write shows only after a rebuild", async () => {
    const team = (await api.storage.teams.get(world.tenantId, "team-a"))?.value;
    const m3 = team?.members[2];
    await api.storage.observations.addForTeam(world.tenantId, "team-a", [
      {
        id: "o-raw",
        tenantId: world.tenantId,
        programId: "prog-1",
        teamId: "team-a",
        managerObjectId: world.manager.objectId,
        memberObjectId: m3?.objectId,
        behaviourId: "open-questions",
        levelIndex: 2,
        observedAt: "2026-11-23T08:45:00.000Z",
      },
    ]);
    const before = (await api.call("GET", "/api/v1/teams/team-a/dashboard", { token: managerToken })).body;
    expect(before.programs[0].behaviours[0].weeks.at(-1)).toMatchObject({ observations: 1 });
    await rebuildRollups(api.storage, await programOf());
    const after = (await api.call("GET", "/api/v1/teams/team-a/dashboard", { token: managerToken })).body;
    expect(after.programs[0].behaviours[0].weeks.at(-1)).toMatchObject({ observations: 2 });
    expect(after.programs[0].observationCount).toBe(before.programs[0].observationCount + 1);
  });
});
