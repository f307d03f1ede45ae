import { describe, expect, it } from "vitest";
import {
  type EffectKpi,
  type EffectResult,
  effectSummary,
  MINIMUM,
  type PreTrendCheck,
} from "../../src/measure/effect/index.js";

const churn: EffectKpi = { name: "churn", unit: "%", direction: "lower_is_better" };
const winRate: EffectKpi = { name: "win rate", unit: "%", direction: "higher_is_better" };
const onboarding: EffectKpi = { name: "onboarding time", unit: "days", direction: "lower_is_better" };
const START = "2026-07-01";

const advice = {
  morePilotTeams: 1,
  moreComparisonTeams: 2,
  teamsLackingValues: 0,
  monthsBeforeNeeded: 0,
  monthsAfterNeeded: 0,
};
const descriptive = (pilotChange: number, comparisonChange: number): EffectResult => ({
  status: "descriptive",
  pilotTeams: 3,
  comparisonTeams: 2,
  pilotChange,
  comparisonChange,
  gap: pilotChange - comparisonChange,
  preTrend: { pilotSlope: 0.1, comparisonSlope: -0.05 },
  minimum: MINIMUM,
  advice,
});
const preTrend = (over: Partial<PreTrendCheck> = {}): PreTrendCheck => ({
  pilotSlope: 0,
  comparisonSlope: 0,
  pValue: 0.6,
  movedAlike: true,
  beyondTrend: { estimate: 0, interval: [-1, 1] },
  trendCouldExplain: false,
  ...over,
});
const estimated = (pilotChange: number, comparisonChange: number, interval: [number, number]) => ({
  pilotTeams: 5,
  comparisonTeams: 5,
  pilotChange,
  comparisonChange,
  estimate: pilotChange - comparisonChange,
  interval,
  confidence: 0.9,
  pValue: 0.05,
  method: "m",
});

/** What each side did, the gap in words, and whose favour — for every direction of movement. */
const cases: {
  kpi: EffectKpi;
  pilot: number;
  comparison: number;
  moves: string;
  gap: string;
}[] = [
  // The review's own example: both sides' churn rose, the pilot's by less. Never "fell ... further".
  {
    kpi: churn,
    pilot: 0.41,
    comparison: 1.2,
    moves: "pilot teams' churn rose 0.41 points and comparison teams' rose 1.2 points.",
    gap: "Pilot teams rose 0.79 points less, which is in the pilot teams' favour: lower churn is better.",
  },
  {
    kpi: churn,
    pilot: 1.2,
    comparison: 0.41,
    moves: "pilot teams' churn rose 1.2 points and comparison teams' rose 0.41 points.",
    gap: "Pilot teams rose 0.79 points more, which is against the pilot teams: lower churn is better.",
  },
  {
    kpi: churn,
    pilot: -1.2,
    comparison: -0.41,
    moves: "pilot teams' churn fell 1.2 points and comparison teams' fell 0.41 points.",
    gap: "Pilot teams fell 0.79 points more, which is in the pilot teams' favour: lower churn is better.",
  },
  {
    kpi: winRate,
    pilot: -0.41,
    comparison: -1.2,
    moves: "pilot teams' win rate fell 0.41 points and comparison teams' fell 1.2 points.",
    gap: "Pilot teams fell 0.79 points less, which is in the pilot teams' favour: higher win rate is better.",
  },
  {
    kpi: winRate,
    pilot: -1.2,
    comparison: -0.41,
    moves: "pilot teams' win rate fell 1.2 points and comparison teams' fell 0.41 points.",
    gap: "Pilot teams fell 0.79 points more, which is against the pilot teams: higher win rate is better.",
  },
  {
    kpi: winRate,
    pilot: 0.5,
    comparison: -0.5,
    moves: "pilot teams' win rate rose 0.5 points and comparison teams' fell 0.5 points.",
    gap: "Relative to comparison teams, pilot teams' win rate went up 1 point, which is in the pilot teams' favour: higher win rate is better.",
  },
  {
    kpi: churn,
    pilot: 0.5,
    comparison: -0.5,
    moves: "pilot teams' churn rose 0.5 points and comparison teams' fell 0.5 points.",
    gap: "Relative to comparison teams, pilot teams' churn went up 1 point, which is against the pilot teams: lower churn is better.",
  },
  {
    kpi: onboarding,
    pilot: -3,
    comparison: 2,
    moves: "pilot teams' onboarding time fell 3 days and comparison teams' rose 2 days.",
    gap: "Relative to comparison teams, pilot teams' onboarding time went down 5 days, which is in the pilot teams' favour: lower onboarding time is better.",
  },
  {
    kpi: winRate,
    pilot: 0,
    comparison: 0.8,
    moves: "pilot teams' win rate stayed level and comparison teams' rose 0.8 points.",
    gap: "Relative to comparison teams, pilot teams' win rate went down 0.8 points, which is against the pilot teams: higher win rate is better.",
  },
  {
    kpi: churn,
    pilot: 0.8,
    comparison: 0.8,
    moves: "pilot teams' churn rose 0.8 points and comparison teams' rose 0.8 points.",
    gap: "The two sides moved alike.",
  },
];

describe("effectSummary: true in every direction of movement", () => {
  it.each(cases)("$kpi.name: pilot $pilot, comparison $comparison", ({ kpi, pilot, comparison, moves, gap }) => {
    const summary = effectSummary(kpi, START, descriptive(pilot, comparison));
    expect(summary).toContain(`Since ${START}, ${moves}`);
    expect(summary).toContain(gap);
    // A side is never said to move the other way from what it did.
    const said = (side: string) =>
      summary.match(new RegExp(`${side} teams' (?:[a-z ]+ )?(rose|fell|stayed level)`))?.[1];
    expect(said("pilot")).toBe(pilot > 0 ? "rose" : pilot < 0 ? "fell" : "stayed level");
    const comparisonSaid = summary.match(/comparison teams' (rose|fell|stayed level)/)?.[1];
    expect(comparisonSaid).toBe(comparison > 0 ? "rose" : comparison < 0 ? "fell" : "stayed level");
    expect(summary).not.toMatch(/further/);
    if (pilot > 0 && comparison > 0) expect(summary).not.toMatch(/Pilot teams fell/);
    if (pilot < 0 && comparison < 0) expect(summary).not.toMatch(/Pilot teams rose/);
  });

  it.each([
    { kpi: winRate, pilot: 2, comparison: 0.5, interval: [0.6, 2.4] as [number, number], verdict: "for the better" },
    { kpi: winRate, pilot: -2, comparison: -0.5, interval: [-2.4, -0.6] as [number, number], verdict: "for the worse" },
    { kpi: churn, pilot: -2, comparison: -0.5, interval: [-2.4, -0.6] as [number, number], verdict: "for the better" },
    { kpi: churn, pilot: 1.5, comparison: 0.1, interval: [0.3, 2.5] as [number, number], verdict: "for the worse" },
  ])(
    "claims $verdict for $kpi.name moving $pilot against $comparison",
    ({ kpi, pilot, comparison, interval, verdict }) => {
      const result: EffectResult = {
        status: "estimate",
        claimsEffect: true,
        preTrend: preTrend(),
        ...estimated(pilot, comparison, interval),
      };
      const summary = effectSummary(kpi, START, result);
      expect(summary).toContain(`most likely made a difference, and it was ${verdict}.`);
      const sign = pilot - comparison > 0 ? "+" : "-";
      expect(summary).toContain(`is ${sign}${Number(Math.abs(pilot - comparison).toFixed(2))} points, 90% interval`);
    },
  );

  it("says the interval includes zero, and cautions when the sides may have been moving apart", () => {
    const result: EffectResult = {
      status: "estimate",
      claimsEffect: false,
      preTrend: preTrend({ pilotSlope: 0.25, comparisonSlope: 0.05, pValue: 0.21, movedAlike: false }),
      ...estimated(0.6, 0.2, [-0.3, 1.1]),
    };
    const summary = effectSummary(winRate, START, result);
    expect(summary).toContain("90% interval -0.3 points to +1.1 points.");
    expect(summary).toContain("The interval includes zero");
    expect(summary).toContain(
      "Caution: before the start, pilot teams' win rate was moving up 0.2 points a month relative to comparison teams' (one-sided p = 0.21)",
    );
  });

  it("withholds the claim in words for both pre-trend reasons", () => {
    const diverging = effectSummary(churn, START, {
      status: "pre-trend",
      reason: "diverging",
      withheld: true,
      claimsEffect: false,
      preTrend: preTrend({ pilotSlope: -0.3, comparisonSlope: 0, pValue: 0.03, movedAlike: false }),
      ...estimated(-1.5, 0, [-2.1, -0.8]),
    });
    expect(diverging).toContain(
      "pilot teams' churn was already moving down 0.3 points a month relative to comparison teams'",
    );
    expect(diverging).toContain("No effect is claimed, although the interval leaves out zero.");
    expect(diverging).not.toMatch(/most likely made a difference/);

    const couldExplain = effectSummary(winRate, START, {
      status: "pre-trend",
      reason: "trend-could-explain",
      withheld: true,
      claimsEffect: false,
      preTrend: preTrend({ beyondTrend: { estimate: 0.4, interval: [-1.2, 2] }, trendCouldExplain: true }),
      ...estimated(1.4, 0.2, [0.3, 2.1]),
    });
    expect(couldExplain).toContain("the gap beyond that trend is +0.4 points (90% interval -1.2 points to +2 points)");
    expect(couldExplain).toContain("a trend already under way could explain the gap, so no effect is claimed");
  });

  it("labels the descriptive gap and gives the advice computed from the design", () => {
    const summary = effectSummary(churn, START, descriptive(0.41, 1.2));
    expect(summary).toContain(
      "This is a description, not an estimate of the program's effect: with 3 pilot and 2 comparison teams",
    );
    expect(summary).toContain("no interval or claim is given");
    expect(summary).toContain(
      "Before the start, pilot teams' churn was rising 0.1 points a month and comparison teams' was falling 0.05 points a month.",
    );
    expect(summary).toContain("add 1 pilot team and 2 comparison teams. More months alone will not do it");

    const waiting = effectSummary(churn, START, {
      status: "not-enough-data",
      pilotTeams: 0,
      comparisonTeams: 4,
      minimum: MINIMUM,
      advice: {
        morePilotTeams: 0,
        moreComparisonTeams: 0,
        teamsLackingValues: 4,
        monthsBeforeNeeded: 2,
        monthsAfterNeeded: 1,
      },
    });
    expect(waiting).toMatch(/^Not enough data yet: there are 0 pilot and 4 comparison teams/);
    expect(waiting).toContain(
      "import values for up to 2 earlier months for the 4 teams that lack them, wait for 1 month of values after the start.",
    );
    expect(waiting).not.toMatch(/More months alone/);
  });
});
