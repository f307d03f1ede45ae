import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Team } from "../../src/domain/index.js";
import { chainView, LINK_EXPECTED_AFTER_WEEKS, recordObservations } from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

/**
 * Four pilot and four comparison teams. Pilot team i has i+1 of 4 observations at the top level; each
 * team's win rate moves by `kpiMove(adoption, role)` after the start.
 */
async function programWith(storage: Storage, kpiMove: (adoption: number) => number, pilotLevels = [1, 2, 3, 4]) {
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  const teams = Array.from({ length: 8 }, (_, i) => ({
    teamId: `t${i}`,
    role: i < 4 ? ("pilot" as const) : ("comparison" as const),
  }));
  const program = (await storage.programs.save(aProgram(tenantId, { teams }))).value;
  for (const [i, { teamId, role }] of teams.entries()) {
    const team = (await storage.teams.save(aTeam(tenantId, { id: teamId }))).value;
    const top = role === "pilot" ? (pilotLevels[i] ?? 0) : 1;
    await recordObservations(storage, program, teamId, observations(team, top));
    const adoption = top / 4;
    await storage.kpiValues.upsertMany(
      tenantId,
      "win-rate",
      [
        ["2026-07-31", 28],
        ["2026-08-31", 28],
        ["2026-10-31", 28 + kpiMove(adoption)],
        ["2026-11-30", 28 + kpiMove(adoption)],
      ].map(([date, value]) => ({
        tenantId,
        kpiId: "win-rate",
        teamId,
        date,
        value,
        source: "csv",
        recordedAt: "2026-12-01T00:00:00Z",
      })),
    );
  }
  return program;
}

function observations(team: Team, topCount: number) {
  return Array.from({ length: 4 }, (_, k) => ({
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: team.members[k % team.members.length]?.objectId,
    behaviourId: "open-questions",
    levelIndex: k < topCount ? 2 : 0,
    observedAt: `2026-09-${String(14 + k).padStart(2, "0")}T10:00:00Z`,
  }));
}

const tenWeeksIn = new Date("2026-11-16T12:00:00Z");

describe("chainView", () => {
  it("shows adoption per side and a positive lagged relation when adoption moves the KPI", async () => {
    const storage = await testStorage();
    const program = await programWith(storage, (adoption) => 4 * adoption);
    const [link] = await chainView(storage, program, tenWeeksIn);
    expect(link).toMatchObject({
      behaviourId: "open-questions",
      kpiId: "win-rate",
      skills: ["Needs discovery"],
      flag: null,
    });
    expect(link?.adoption.pilot).toBeCloseTo(10 / 16);
    expect(link?.adoption.comparison).toBeCloseTo(1 / 4);
    expect(link?.relation.teams).toBe(8);
    expect(link?.relation.correlation).toBeGreaterThan(0.9);
  });

  it(`flags a link not showing ${LINK_EXPECTED_AFTER_WEEKS} weeks in, and not before`, async () => {
    const storage = await testStorage();
    const program = await programWith(storage, (adoption) => -2 * adoption);
    const [late] = await chainView(storage, program, tenWeeksIn);
    expect(late?.flag).toMatch(/have not improved the KPI more/);
    const [early] = await chainView(storage, program, new Date("2026-09-28T12:00:00Z"));
    expect(early?.flag).toBeNull();
  });

  it("flags pilot teams not adopting more than comparison teams", async () => {
    const storage = await testStorage();
    const program = await programWith(storage, () => 1, [1, 1, 0, 1]);
    const [link] = await chainView(storage, program, tenWeeksIn);
    expect(link?.flag).toMatch(/do not show the behaviour more/);
  });
});
