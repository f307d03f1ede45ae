import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  LINK_EXPECTED_AFTER_WEEKS,
  MonthOutsideData,
  monthlyReview,
  monthlyReviewCsv,
  programValue,
  saveReviewNotes,
} from "../../src/dashboard/index.js";
import type { Team } from "../../src/domain/index.js";
import {
  type EffectEstimate,
  rebuildRollups,
  recordChallengeCompletion,
  recordObservations,
  submitKpiValues,
  updateKpiRollups,
} from "../../src/measure/index.js";
import { ConcurrencyError, type Storage } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam, person } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

const now = new Date("2026-12-02T10:00:00Z");
const five = () => [1, 2, 3, 4, 5].map((i) => person(`Member ${i}`));

function observations(team: Team, topCount: number, at: string, behaviourId = "open-questions") {
  return team.members.map((m, k) => ({
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: m.objectId,
    behaviourId,
    levelIndex: k < topCount ? 2 : 0,
    observedAt: at,
  }));
}

/**
 * Four pilot and four comparison teams of five. In the week of 16 November pilot team i rates i+1 of five at
 * the top, comparison teams one; each team's win rate moves by `kpiMove(its adoption)` after the 7 September
 * start, with values at the end of July, August, October and November (and one in December).
 */
async function programWith(storage: Storage, kpiMove: (adoption: number) => number, pilotTops = [1, 2, 3, 4]) {
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  await storage.kpis.save(aKpi(tenantId, { id: "calls", name: "Discovery calls", unit: "calls" }));
  const teams = Array.from({ length: 8 }, (_, i) => ({
    teamId: `t${i}`,
    role: i < 4 ? ("pilot" as const) : ("comparison" as const),
  }));
  const base = aProgram(tenantId);
  const [questions] = base.chain.behaviours;
  if (!questions) throw new Error("the fixture has no behaviour");
  const program = (
    await storage.programs.save(
      aProgram(tenantId, {
        teams,
        leadingKpiIds: ["calls"],
        discover: {
          problemToday: "Reps pitch too early.",
          desiredState: "Needs first.",
          barriers: [],
          strategicObjective: "Grow new-logo revenue 15%.",
        },
        chain: { ...base.chain, behaviours: [{ ...questions, kpiIds: ["win-rate", "calls"] }] },
      }),
    )
  ).value;
  const values: { kpiId: string; teamId: string; date: string; value: number }[] = [];
  for (const [i, { teamId, role }] of teams.entries()) {
    const team = (await storage.teams.save(aTeam(tenantId, { id: teamId, name: `Team ${i}`, members: five() }))).value;
    const top = role === "pilot" ? (pilotTops[i] ?? 0) + 1 : 1;
    await recordObservations(storage, program, teamId, observations(team, top, "2026-11-17T10:00:00Z"));
    const move = kpiMove(top / 5);
    for (const [date, value] of [
      ["2026-07-31", 28],
      ["2026-08-31", 28 + i / 10],
      ["2026-10-31", 28 + move],
      ["2026-11-30", 28 + move],
      ["2026-12-01", 99],
    ] as const)
      values.push({ kpiId: "win-rate", teamId, date, value }, { kpiId: "calls", teamId, date, value: 10 + i });
  }
  const written = await submitKpiValues(storage, tenantId, values, {
    source: "manual",
    afterWrite: (t, k, v) => updateKpiRollups(storage, t, k, v),
  });
  expect(written.issues).toEqual([]);
  return { program, tenantId };
}

describe("the review's chain", () => {
  it("shows each side's adoption over the month's last four whole weeks and a relation when adoption moves the KPI", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => 4 * adoption);
    const review = await monthlyReview(storage, program, "2026-11", now, { minimum: 5 });
    expect(review.adoptionWeeks).toEqual({ from: "2026-11-02", to: "2026-11-29" });
    const [link, leading] = review.chain;
    expect(link).toMatchObject({ behaviourId: "open-questions", kpiId: "win-rate", kpiRole: "outcome", flag: null });
    expect(leading).toMatchObject({ kpiId: "calls", kpiRole: "leading" });
    // Pooled over the side's twenty people: (2+3+4+5) of 20 at the top; one in five on the comparison side.
    expect(link?.adoption.pilot).toBeCloseTo(14 / 20);
    expect(link?.adoption.comparison).toBeCloseTo(4 / 20);
    expect(link?.relation.teams).toBe(8);
    expect(link?.relation.correlation).toBeGreaterThan(0.9);
    expect(link?.skills).toEqual(["Needs discovery"]);
  });

  it(`flags a link not showing ${LINK_EXPECTED_AFTER_WEEKS} weeks in, and not before`, async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => -2 * adoption);
    const late = await monthlyReview(storage, program, "2026-11", now, { minimum: 5 });
    expect(late.chain[0]?.flag).toMatch(/have not improved the KPI more/);
    const early = await monthlyReview(storage, program, "2026-09", now, { minimum: 5 });
    expect(early.chain[0]?.flag).toBeNull();
  });

  it("flags pilot teams not adopting more than comparison teams", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, () => 1, [0, 0, 0, 0]);
    const review = await monthlyReview(storage, program, "2026-11", now, { minimum: 5 });
    expect(review.chain[0]?.flag).toMatch(/do not show the behaviour more/);
  });
});

describe("the review of a month", () => {
  it("tells the KPI story by month per side and team, by name, with nothing dated after the month", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => 4 * adoption);
    const review = await monthlyReview(storage, program, "2026-11", now, { minimum: 5 });
    expect(review.program.purpose).toMatchObject({ strategicObjective: "Grow new-logo revenue 15%." });
    expect(review.program.window).toEqual({ start: "2026-09-07", end: "2026-12-31" });
    const [winRate, calls] = review.kpis;
    expect([winRate?.role, calls?.role]).toEqual(["outcome", "leading"]);
    expect(winRate?.months).toEqual(["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]);
    expect(winRate?.sides?.pilot.values[0]).toBe(28);
    expect(winRate?.sides?.pilot.values[2]).toBeNull();
    // December's 99 is after the month: not in November's story, current or effect.
    expect(winRate?.sides?.pilot.current?.month).toBe("2026-11");
    expect(winRate?.sides?.pilot.current?.value).toBeCloseTo(28 + (4 * 14) / 20);
    expect(winRate?.teams.map((t) => t.name)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `Team ${i}`));
    expect(winRate?.teams[1]?.values).toEqual([28, 28.1, null, 28 + (4 * 3) / 5, 28 + (4 * 3) / 5]);
    expect(review.kpis.flatMap((k) => k.teams.flatMap((t) => t.values))).not.toContain(99);
    expect(review.effect).toMatchObject({ status: "estimate" });
    expect(review.asOf).toBe("2026-11-30");
  });

  it("counts engagement by each record's own date, across a week that straddles two months", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await storage.kpis.save(aKpi(tenantId));
    const program = (await storage.programs.save(aProgram(tenantId))).value;
    const team = (await storage.teams.save(aTeam(tenantId, { id: "team-a", members: five() }))).value;
    await storage.teams.save(aTeam(tenantId, { id: "team-b" }));
    // Monday 30 November and Tuesday 1 December are one week (30 Nov–6 Dec) and two months.
    await recordObservations(storage, program, "team-a", observations(team, 5, "2026-11-30T10:00:00Z"));
    await recordObservations(storage, program, "team-a", observations(team, 0, "2026-12-01T10:00:00Z").slice(0, 2));
    const done = (deliveryId: string, at: string) =>
      recordChallengeCompletion(storage, program, {
        tenantId,
        deliveryId,
        programId: "prog-1",
        assetId: "challenge-1",
        teamId: "team-a",
        managerObjectId: team.manager.objectId,
        outcome: "done",
        at,
      });
    await done("d-1", "2026-11-30T23:30:00Z");
    await done("d-2", "2026-12-01T00:30:00Z");
    const later = new Date("2026-12-20T10:00:00Z");
    const november = await monthlyReview(storage, program, "2026-11", later, { minimum: 5 });
    const december = await monthlyReview(storage, program, "2026-12", later, { minimum: 5 });
    expect(november.engagement.month.pilot).toMatchObject({ observations: 5, challengesDone: 1 });
    expect(december.engagement.month.pilot).toMatchObject({ observations: 2, challengesDone: 1 });
    expect(december.engagement.toDate.pilot).toMatchObject({ observations: 7, challengesDone: 2 });
    // November's adoption stands on whole weeks ending in November: the week of 30 November is December's.
    expect(november.chain[0]?.adoption.pilot).toBeNull();
    expect(december.chain[0]?.adoption.pilot).toBeCloseTo(5 / 7);
  });

  it("says a month before the start had not started, and refuses months outside the data", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => adoption);
    const july = await monthlyReview(storage, program, "2026-07", now, { minimum: 5 });
    expect(july.stage).toBe("not-started");
    expect(july.stageNote).toMatch(/had not started in 2026-07: it starts on 7 September 2026/);
    expect(july.chain.every((l) => l.adoption.pilot === null && l.adoption.comparison === null)).toBe(true);
    expect(july.effect).toBeNull();
    expect(july.kpis[0]?.months).toEqual(["2026-07"]);
    expect(july.engagement.toDate.pilot.observations).toBe(0);
    await expect(monthlyReview(storage, program, "2026-06", now, { minimum: 5 })).rejects.toThrow(
      /no data for 2026-06: this program's data begins in 2026-07/,
    );
    await expect(monthlyReview(storage, program, "2027-01", now, { minimum: 5 })).rejects.toBeInstanceOf(
      MonthOutsideData,
    );
    await expect(monthlyReview(storage, program, "2026-13", now, { minimum: 5 })).rejects.toThrow(/YYYY-MM/);
  });

  it("keeps notes per month and refuses a stale save; a rebuild leaves them", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => adoption);
    await saveReviewNotes(storage, program, "2026-10", { text: "Strong start.", updatedBy: "admin", etag: null });
    const review = await monthlyReview(storage, program, "2026-10", now, { minimum: 5 });
    expect(review.notes?.text).toBe("Strong start.");
    await saveReviewNotes(storage, program, "2026-10", { text: "Edited", updatedBy: "a", etag: review.notesEtag });
    await expect(
      saveReviewNotes(storage, program, "2026-10", { text: "Lost update", updatedBy: "b", etag: review.notesEtag }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    await rebuildRollups(storage, program);
    expect((await monthlyReview(storage, program, "2026-10", now, { minimum: 5 })).notes?.text).toBe("Edited");
  });

  it("exports as CSV that reads back with every KPI value, withheld shares named, formulas neutralised", async () => {
    const storage = await testStorage();
    const { program } = await programWith(storage, (adoption) => 4 * adoption);
    await saveReviewNotes(storage, program, "2026-11", {
      text: '=HYPERLINK("x"), "quoted"',
      updatedBy: "admin",
      etag: null,
    });
    const review = await monthlyReview(storage, program, "2026-11", now, { minimum: 25 });
    const rows = parse(monthlyReviewCsv(review), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.section === "kpi" && r.item?.startsWith("Win rate"))?.note).toMatch(
      /baseline 28 on 2026-07-01; target 34/,
    );
    expect(rows.filter((r) => r.section === "kpi team" && r.item?.startsWith("Win rate"))).toHaveLength(8 * 4);
    expect(rows.find((r) => r.item === "Win rate 2026-08 Team 3")?.value).toBe("28.3");
    expect(rows.find((r) => r.section === "kpi month" && r.item === "Win rate 2026-07")).toMatchObject({
      pilot: "28",
      comparison: "28",
    });
    expect(rows.find((r) => r.section === "chain")).toMatchObject({ pilot: "withheld", comparison: "withheld" });
    expect(rows.find((r) => r.item === "observations in 2026-11")).toMatchObject({ pilot: "20", comparison: "20" });
    expect(rows.find((r) => r.section === "notes")?.note).toBe(`'=HYPERLINK("x"), "quoted"`);
  });
});

describe("the value section", () => {
  const kpi = { name: "Win rate", direction: "higher_is_better" as const };
  const valuation = { currency: "EUR", unitWorth: 10_000, cost: 20_000 };
  const estimate = (value: number, interval: [number, number]): EffectEstimate => ({
    status: "estimate",
    claimsEffect: interval[0] > 0 || interval[1] < 0,
    summary: "",
    pilotTeams: 4,
    comparisonTeams: 4,
    pilotChange: value,
    comparisonChange: 0,
    estimate: value,
    interval,
    confidence: 0.9,
    pValue: 0.05,
    method: "test",
    preTrend: {
      pilotSlope: 0,
      comparisonSlope: 0,
      pValue: 0.5,
      movedAlike: true,
      beyondTrend: { estimate: value, interval },
      trendCouldExplain: false,
    },
  });

  it("carries the interval through benefit, net benefit and ROI (Phillips), in words too", () => {
    const value = programValue(valuation, estimate(4, [3, 5]), kpi);
    expect(value.supported).toBe(true);
    expect(value.benefit).toEqual({ estimate: 40_000, low: 30_000, high: 50_000 });
    expect(value.netBenefit).toEqual({ estimate: 20_000, low: 10_000, high: 30_000 });
    expect(value.roiPercent).toEqual({ estimate: 100, low: 50, high: 150 });
    expect(value.statement).toMatch(
      /most likely paid back: net benefit EUR 20,000 \(90% interval EUR 10,000 to EUR 30,000\), ROI 100% \(50% to 150%\)/,
    );
  });

  it("turns a fall into a gain for a lower-is-better KPI", () => {
    const value = programValue(valuation, estimate(-4, [-5, -3]), { name: "Churn", direction: "lower_is_better" });
    expect(value.roiPercent).toEqual({ estimate: 100, low: 50, high: 150 });
  });

  it("says plainly when the evidence does not support a number", () => {
    expect(programValue(null, estimate(4, [3, 5]), kpi)).toMatchObject({ supported: false, roiPercent: null });
    expect(programValue(null, estimate(4, [3, 5]), kpi).statement).toMatch(/No value is given/);
    const unclear = programValue(valuation, estimate(1, [-1, 3]), kpi);
    expect(unclear).toMatchObject({ supported: false, benefit: null, roiPercent: null });
    expect(unclear.statement).toMatch(/^The evidence does not support a number: the interval includes zero/);
    expect(programValue(valuation, null, kpi).statement).toMatch(/^The evidence does not support a number/);
  });
});
