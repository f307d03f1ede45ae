import { describe, expect, it } from "vitest";
import { demoTeams, WIN_RATE_PILOT } from "../../src/demo/index.js";
import {
  estimateEffect,
  MINIMUM,
  normal,
  PRE_TREND_LEVEL,
  permutationDesign,
  permutationPValue,
  programEffect,
  seededRandom,
  type TeamSeries,
} from "../../src/measure/index.js";
import {
  DESIGNS,
  PRE_TREND_SLOPE,
  KPI as SIMULATED_KPI,
  type SimulationDesign,
  simulatedPanel,
} from "../support/effect-simulation.js";
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
  it("finds a real effect with a narrow interval and plain words", () => {
    const result = estimateEffect({ kpi: KPI, start: START, teams: syntheticPanel(7, 3) });
    expect(result.status).toBe("estimate");
    if (result.status !== "estimate") return;
    expect(result.claimsEffect).toBe(true);
    expect(result.interval[0]).toBeGreaterThan(1);
    expect(result.interval[1]).toBeLessThan(5);
    expect(result.summary).toMatch(
      /^Since 2026-07-01, pilot teams' win rate (rose|fell) [\d.]+ points and comparison teams' /,
    );
    expect(result.summary).toMatch(/in the pilot teams' favour: higher win rate is better/);
    expect(result.summary).toMatch(/most likely made a difference, and it was for the better/);
  });

  it("withholds the claim when pilot and comparison teams were already moving apart before the start", () => {
    const teams = syntheticPanel(11, 0).map((team) =>
      team.role === "pilot"
        ? { ...team, values: team.values.map((v, m) => ({ ...v, value: v.value + 0.8 * m })) }
        : team,
    );
    const result = estimateEffect({ kpi: KPI, start: START, teams });
    expect(result).toMatchObject({ status: "pre-trend", reason: "diverging", claimsEffect: false, withheld: true });
    if (result.status !== "pre-trend") return;
    // Without the check the interval alone would have claimed an effect: 0.8 a month over ~5 months.
    expect(result.interval[0]).toBeGreaterThan(0);
    expect(result.preTrend.pilotSlope - result.preTrend.comparisonSlope).toBeCloseTo(0.8 * (365.25 / 12 / 30), 0);
    expect(result.summary).toMatch(/already moving up .* relative to comparison teams'/);
    expect(result.summary).toMatch(/No effect is claimed, although the interval leaves out zero/);
  });

  it("withholds the claim when a trend carried on past the start could explain the gap", () => {
    // A simulated 4 v 4 pilot drifting up before the start, no effect; the first seed where the trend is too
    // uncertain to call the sides diverging but the plain interval leaves out zero.
    const { teams } = simulatedPanel(DESIGNS[0] as SimulationDesign, 1, 0, PRE_TREND_SLOPE);
    const result = estimateEffect({ kpi: SIMULATED_KPI, start: START, teams });
    expect(result).toMatchObject({ status: "pre-trend", reason: "trend-could-explain", withheld: true });
    if (result.status !== "pre-trend") return;
    expect(result.preTrend.pValue).toBeGreaterThan(PRE_TREND_LEVEL);
    expect(result.interval[0] > 0 || result.interval[1] < 0).toBe(true);
    // Independently: each team's change minus its own pre-start slope times the time between the middles.
    const month = (d: string) => (Date.parse(d) - Date.parse(START)) / (30 * 86_400_000);
    const beyond = teams.map((t) => {
      const before = t.values.filter((v) => v.date < START);
      const after = t.values.filter((v) => v.date >= START);
      const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
      const xs = before.map((v) => month(v.date));
      const ys = before.map((v) => v.value);
      const mx = mean(xs);
      const my = mean(ys);
      const slope =
        xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] ?? 0) - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      return mean(after.map((v) => v.value)) - my - slope * (mean(after.map((v) => month(v.date))) - mx);
    });
    const side = (role: string) => beyond.filter((_, i) => teams[i]?.role === role);
    const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
    expect(result.preTrend.beyondTrend.estimate).toBeCloseTo(mean(side("pilot")) - mean(side("comparison")), 10);
    const [low, high] = result.preTrend.beyondTrend.interval;
    expect(low <= 0 && 0 <= high).toBe(true);
    expect(result.summary).toMatch(/a trend already under way could explain the gap, so no effect is claimed/);
  });

  it("gives the descriptive gap, no interval and advice from the design below the minimum", () => {
    const few = syntheticPanel(3, 2).filter((t) => Number(t.teamId.slice(5)) < 3 || Number(t.teamId.slice(5)) >= 20);
    const result = estimateEffect({ kpi: KPI, start: START, teams: few });
    expect(result).toMatchObject({
      status: "descriptive",
      pilotTeams: 3,
      comparisonTeams: 20,
      advice: { morePilotTeams: 1, moreComparisonTeams: 0, teamsLackingValues: 0 },
    });
    expect(result).not.toHaveProperty("interval");
    expect(result).not.toHaveProperty("claimsEffect");
    expect(result.summary).toMatch(/This is a description, not an estimate/);
    expect(result.summary).toMatch(/add 1 pilot team\./);

    const onePeriodBefore = syntheticPanel(3, 2).map((t) => ({ ...t, values: t.values.slice(5) }));
    const missing = estimateEffect({ kpi: KPI, start: START, teams: onePeriodBefore });
    expect(missing).toMatchObject({
      status: "not-enough-data",
      pilotTeams: 0,
      comparisonTeams: 0,
      advice: { morePilotTeams: 0, moreComparisonTeams: 0, teamsLackingValues: 40, monthsBeforeNeeded: 1 },
    });
    expect(missing.summary).toMatch(/import values for 1 earlier month for the 40 teams that lack them\./);
  });

  it("describes the demo pilot (3 pilot vs 2 comparison teams) and says what would make an estimate possible", () => {
    const dates = ["2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"];
    const teams = demoTeams.map((t) => ({
      teamId: t.id,
      role: t.role,
      values: t.winRate.map((value, i) => ({ date: dates[i] ?? "", value })),
    }));
    const result = estimateEffect({ kpi: KPI, start: WIN_RATE_PILOT.windowStart, teams });
    expect(result.status).toBe("descriptive");
    if (result.status !== "descriptive") return;
    // Independently: each team's mean after the start minus its mean before, averaged per side.
    const change = (t: (typeof demoTeams)[number]) => {
      const [a, b, c, d] = t.winRate as [number, number, number, number];
      return (c + d) / 2 - (a + b) / 2;
    };
    const side = (role: string) => demoTeams.filter((t) => t.role === role).map(change);
    const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
    expect(result.gap).toBeCloseTo(mean(side("pilot")) - mean(side("comparison")), 10);
    expect(result).toMatchObject({
      pilotTeams: 3,
      comparisonTeams: 2,
      advice: { morePilotTeams: 1, moreComparisonTeams: 2 },
    });
    expect(result.summary).toMatch(/with 3 pilot and 2 comparison teams/);
    expect(result.summary).toMatch(/add 1 pilot team and 2 comparison teams\. More months alone will not do it/);
    expect(MINIMUM.teamsPerSide).toBe(4);
  });

  it("is exact on small designs: every assignment tried, p-values on the 1/C(n,k) grid", () => {
    const design = permutationDesign(8, 4, 999, 1);
    expect(design.exact).toBe(true);
    expect(design.assignments).toHaveLength(70);
    const separated = permutationPValue([10, 11, 12, 13, 1, 2, 3, 4], 4, design);
    expect(separated).toBeCloseTo(2 / 70);
  });

  it("never gives a p-value below the smallest attainable one, however separated and flat the groups", () => {
    const design = permutationDesign(8, 4, 999, 1);
    // Revenue-sized, nearly constant groups: the complement's |t| used to come out a hair smaller (p = 1/70).
    const flat = [
      1010000, 1010000, 1010000, 1010000.0000000001, 1000000.0000000001, 1000000.0000000001, 1000000.0000000001,
      1000000.0000000001,
    ];
    expect(permutationPValue(flat, 4, design) * 70).toBe(2);
    const random = seededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const base = 10 ** Math.floor(random() * 8);
      const gap = 10 ** Math.floor(random() * 12 - 3);
      const spread = 10 ** Math.floor(-random() * 12);
      const values = Array.from({ length: 8 }, (_, j) => base + (j < 4 ? gap : 0) + spread * random());
      expect(permutationPValue(values, 4, design)).toBeGreaterThanOrEqual(2 / 70);
    }
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
    expect(fromStore?.status).not.toBe("not-enough-data");
    // The stored KPI has its own name; everything but the words must match.
    expect({ ...fromStore, summary: "" }).toEqual({ ...direct, summary: "" });
  });
});
