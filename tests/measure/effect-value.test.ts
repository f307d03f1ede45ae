import { describe, expect, it } from "vitest";
import { type EffectEstimate, effectValue, estimateEffect, MINIMUM } from "../../src/measure/effect/index.js";
import { DESIGNS, KPI, type SimulationDesign, START, simulatedPanel } from "../support/effect-simulation.js";

type Claimed = Extract<EffectEstimate, { status: "estimate" }>;
const claimed = (estimate: number, interval: [number, number]): Claimed => ({
  status: "estimate",
  claimsEffect: true,
  pilotTeams: 5,
  comparisonTeams: 5,
  pilotChange: estimate,
  comparisonChange: 0,
  estimate,
  interval,
  confidence: 0.9,
  pValue: 0.02,
  method: "m",
  preTrend: {
    pilotSlope: 0,
    comparisonSlope: 0,
    pValue: 0.5,
    movedAlike: true,
    beyondTrend: { estimate, interval },
    trendCouldExplain: false,
  },
  summary: "",
});

describe("effectValue: net benefit and Phillips ROI with the interval carried through", () => {
  it("turns a higher-is-better effect into benefit, net benefit and ROI, ends through the same formula", () => {
    // 2 points (90% interval 1 to 3) of win rate, worth 1,000 a point on each of 3 teams, for a cost of 4,000.
    const value = effectValue(claimed(2, [1, 3]), "higher_is_better", { unitValue: 1000, units: 3, cost: 4000 });
    expect(value).toEqual({
      status: "value",
      benefit: 6000,
      benefitInterval: [3000, 9000],
      netBenefit: 2000,
      netBenefitInterval: [-1000, 5000],
      roiPercent: 50,
      roiPercentInterval: [-25, 125],
      confidence: 0.9,
    });
  });

  it("counts a fall as the improvement for a lower-is-better KPI, with the interval's ends swapped", () => {
    // Churn: pilot fell 0.8 points more (interval -1.2 to -0.4); a point is worth 5,000; cost 2,000.
    const value = effectValue(claimed(-0.8, [-1.2, -0.4]), "lower_is_better", { unitValue: 5000, cost: 2000 });
    if (value.status !== "value") throw new Error("expected a value");
    expect(value.benefit).toBeCloseTo(4000);
    expect(value.benefitInterval[0]).toBeCloseTo(2000);
    expect(value.benefitInterval[1]).toBeCloseTo(6000);
    expect(value.roiPercent).toBeCloseTo(100);
    expect(value.roiPercentInterval[0]).toBeCloseTo(0);
    expect(value.roiPercentInterval[1]).toBeCloseTo(200);
    // An effect for the worse is a negative benefit, never a positive one.
    const worse = effectValue(claimed(0.8, [0.4, 1.2]), "lower_is_better", { unitValue: 5000, cost: 2000 });
    expect(worse).toMatchObject({ status: "value", benefit: -4000, roiPercent: -300 });
  });

  it("matches an independent recomputation on a real estimate", () => {
    const { teams } = simulatedPanel(DESIGNS[4] as SimulationDesign, 42, 3);
    const estimate = estimateEffect({ kpi: KPI, start: START, teams }, { permutations: 499 });
    if (estimate.status !== "estimate" || !estimate.claimsEffect)
      throw new Error(`expected a claim: ${estimate.summary}`);
    const value = effectValue(estimate, "higher_is_better", { unitValue: 250, units: 20, cost: 7500 });
    if (value.status !== "value") throw new Error("expected a value");
    const roi = (points: number) => ((points * 250 * 20 - 7500) / 7500) * 100;
    expect(value.roiPercent).toBeCloseTo(roi(estimate.estimate), 8);
    expect(value.roiPercentInterval[0]).toBeCloseTo(roi(estimate.interval[0]), 8);
    expect(value.roiPercentInterval[1]).toBeCloseTo(roi(estimate.interval[1]), 8);
    expect(value.netBenefit).toBeCloseTo(estimate.estimate * 5000 - 7500, 8);
  });

  it("says the evidence does not support a number whenever the estimate makes no claim", () => {
    const input = { unitValue: 1000, cost: 4000 };
    const noClaim = { ...claimed(0.5, [-0.2, 1.2]), claimsEffect: false };
    const cases: [EffectEstimate | null, RegExp][] = [
      [null, /no effect estimate/],
      [
        {
          status: "not-enough-data",
          pilotTeams: 0,
          comparisonTeams: 0,
          minimum: MINIMUM,
          advice: {
            morePilotTeams: 4,
            moreComparisonTeams: 4,
            teamsLackingValues: 0,
            monthsBeforeNeeded: 0,
            monthsAfterNeeded: 0,
          },
          summary: "",
        },
        /not enough data/,
      ],
      [
        {
          status: "descriptive",
          pilotTeams: 3,
          comparisonTeams: 2,
          pilotChange: 2,
          comparisonChange: 0,
          gap: 2,
          preTrend: { pilotSlope: 0, comparisonSlope: 0 },
          minimum: MINIMUM,
          advice: {
            morePilotTeams: 1,
            moreComparisonTeams: 2,
            teamsLackingValues: 0,
            monthsBeforeNeeded: 0,
            monthsAfterNeeded: 0,
          },
          summary: "",
        },
        /a description, not an estimate/,
      ],
      [noClaim, /interval includes zero/],
      [
        { ...claimed(2, [1, 3]), status: "pre-trend", reason: "diverging", withheld: true, claimsEffect: false },
        /already moving apart/,
      ],
      [
        {
          ...claimed(2, [1, 3]),
          status: "pre-trend",
          reason: "trend-could-explain",
          withheld: true,
          claimsEffect: false,
        },
        /could explain the gap/,
      ],
    ];
    for (const [estimate, reason] of cases) {
      const value = effectValue(estimate, "higher_is_better", input);
      expect(value.status).toBe("no-number");
      if (value.status === "no-number") expect(value.reason).toMatch(/^The evidence does not support a number: /);
      if (value.status === "no-number") expect(value.reason).toMatch(reason);
      expect(value).not.toHaveProperty("roiPercent");
    }
  });

  it("refuses inputs that have no meaning", () => {
    const estimate = claimed(2, [1, 3]);
    expect(() => effectValue(estimate, "higher_is_better", { unitValue: 0, cost: 10 })).toThrow(RangeError);
    expect(() => effectValue(estimate, "higher_is_better", { unitValue: 10, cost: 0 })).toThrow(/cost/);
    expect(() => effectValue(estimate, "higher_is_better", { unitValue: 10, units: -1, cost: 5 })).toThrow(/units/);
    expect(() => effectValue(estimate, "higher_is_better", { unitValue: Number.NaN, cost: 5 })).toThrow(/unitValue/);
  });
});
