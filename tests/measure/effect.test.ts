import { describe, expect, it } from "vitest";
import { demoTeams, WIN_RATE_PILOT } from "../../src/demo/index.js";
import {
  estimateEffect,
  MINIMUM,
  normal,
  permutationDesign,
  permutationPValue,
  programEffect,
  seededRandom,
  type TeamSeries,
} from "../../src/measure/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

const KPI = { name: "win rate", unit: "%", direction: "higher_is_better" as const };
const START = "2026-07-01";
const MONTHS = [
  "2026-01-31",
  "2026-02-28",
  "2026-03-31",
  "2026-04-30",
  "2026-05-31",
  "2026-06-30",
  "2026-07-31",
  "2026-08-31",
  "2026-09-30",
  "2026-10-31",
];

/**
 * A panel like real KPI data: each team has its own level and its own noise (some teams are much noisier),
 * every month moves all teams together, and the pilot teams get `effect` from the start on.
 */
function syntheticPanel(seed: number, effect: number, perSide = 20): TeamSeries[] {
  const random = seededRandom(seed);
  const monthShock = MONTHS.map(() => normal(random));
  return Array.from({ length: 2 * perSide }, (_, t) => {
    const role = t < perSide ? ("pilot" as const) : ("comparison" as const);
    const level = 28 + 3 * normal(random);
    const noise = 0.5 + 2 * random();
    return {
      teamId: `team-${t}`,
      role,
      values: MONTHS.map((date, m) => ({
        date,
        value: level + (monthShock[m] ?? 0) + noise * normal(random) + (role === "pilot" && date >= START ? effect : 0),
      })),
    };
  });
}

describe("estimateEffect on synthetic data with a known effect", () => {
  it("covers the true effect in at least 85 of 100 runs and claims an effect under none in at most 15", () => {
    const trueEffect = 1.5;
    let covered = 0;
    let falseClaims = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const withEffect = estimateEffect(
        { kpi: KPI, start: START, teams: syntheticPanel(seed, trueEffect) },
        { permutations: 999, seed },
      );
      const withoutEffect = estimateEffect(
        { kpi: KPI, start: START, teams: syntheticPanel(1000 + seed, 0) },
        { permutations: 999, seed },
      );
      if (withEffect.status !== "estimate" || withoutEffect.status !== "estimate")
        throw new Error("expected estimates");
      if (withEffect.interval[0] <= trueEffect && trueEffect <= withEffect.interval[1]) covered++;
      if (withoutEffect.claimsEffect) falseClaims++;
    }
    console.log(
      `synthetic effect: 90% interval covered the true effect in ${covered}/100 runs; false claims with no effect ${falseClaims}/100`,
    );
    expect(covered).toBeGreaterThanOrEqual(85);
    expect(falseClaims).toBeLessThanOrEqual(15);
  });

  it("finds a real effect with a narrow interval and plain words", () => {
    const result = estimateEffect({ kpi: KPI, start: START, teams: syntheticPanel(7, 3) });
    expect(result.status).toBe("estimate");
    if (result.status !== "estimate") return;
    expect(result.claimsEffect).toBe(true);
    expect(result.interval[0]).toBeGreaterThan(1);
    expect(result.interval[1]).toBeLessThan(5);
    expect(result.summary).toMatch(/pilot teams' win rate rose .* points more than comparison teams'/);
    expect(result.summary).toMatch(/for the better/);
  });

  it("warns when pilot and comparison teams were already moving apart before the start", () => {
    const teams = syntheticPanel(11, 0).map((team) =>
      team.role === "pilot"
        ? { ...team, values: team.values.map((v, m) => ({ ...v, value: v.value + 0.8 * m })) }
        : team,
    );
    const result = estimateEffect({ kpi: KPI, start: START, teams });
    expect(result.status === "estimate" && result.preTrend.movedAlike).toBe(false);
    expect(result.summary).toMatch(/already moving differently/);
  });

  it("says not enough data yet, with no number, below the minimum", () => {
    const few = syntheticPanel(3, 2).filter((t) => Number(t.teamId.slice(5)) < 3 || Number(t.teamId.slice(5)) >= 20);
    const result = estimateEffect({ kpi: KPI, start: START, teams: few });
    expect(result).toMatchObject({ status: "not-enough-data", pilotTeams: 3, comparisonTeams: 20 });
    expect(result).not.toHaveProperty("estimate");
    const onePeriodBefore = syntheticPanel(3, 2).map((t) => ({ ...t, values: t.values.slice(5) }));
    expect(estimateEffect({ kpi: KPI, start: START, teams: onePeriodBefore }).status).toBe("not-enough-data");
  });

  it("says not enough data yet on the demo pilot (3 pilot vs 2 comparison teams)", () => {
    const dates = ["2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"];
    const teams = demoTeams.map((t) => ({
      teamId: t.id,
      role: t.role,
      values: t.winRate.map((value, i) => ({ date: dates[i] ?? "", value })),
    }));
    const result = estimateEffect({ kpi: KPI, start: WIN_RATE_PILOT.windowStart, teams });
    expect(result.status).toBe("not-enough-data");
    expect(result.summary).toMatch(/Not enough data yet: .* there are 3 pilot and 2 comparison teams/);
    expect(MINIMUM.teamsPerSide).toBe(4);
  });

  it("is exact on small designs: every assignment tried, p-values on the 1/C(n,k) grid", () => {
    const design = permutationDesign(8, 4, 999, 1);
    expect(design.exact).toBe(true);
    expect(design.assignments).toHaveLength(70);
    const separated = permutationPValue([10, 11, 12, 13, 1, 2, 3, 4], 4, design);
    expect(separated).toBeCloseTo(2 / 70);
  });
});

describe("programEffect", () => {
  it("reads each program team's stored series and estimates for the outcome KPI", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const panel = syntheticPanel(5, 2, 5);
    const teams = panel.map((t) => ({ teamId: t.teamId, role: t.role }));
    await storage.kpis.save(aKpi(tenantId, { baseline: { value: 28, date: "2026-01-01" } }));
    for (const t of panel) await storage.teams.save(aTeam(tenantId, { id: t.teamId }));
    const program = (
      await storage.programs.save(aProgram(tenantId, { teams, window: { start: START, end: "2026-12-31" } }))
    ).value;
    await Promise.all(
      panel.map((t) =>
        storage.kpiValues.upsertMany(
          tenantId,
          "win-rate",
          t.values.map((v) => ({
            ...v,
            tenantId,
            kpiId: "win-rate",
            teamId: t.teamId,
            source: "csv",
            recordedAt: "2026-11-01T00:00:00Z",
          })),
        ),
      ),
    );
    const fromStore = await programEffect(storage, program);
    const direct = estimateEffect({ kpi: KPI, start: START, teams: panel });
    expect(fromStore?.status).toBe("estimate");
    expect(fromStore && fromStore.status === "estimate" && fromStore.estimate).toBeCloseTo(
      direct.status === "estimate" ? direct.estimate : Number.NaN,
    );
  });
});
