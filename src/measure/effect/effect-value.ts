import type { EffectEstimate } from "./difference-in-differences.js";

/** What the admin gives for the value section of the review. */
export interface ValueInput {
  /** Worth of one KPI unit (one point, one day, ...) of improvement, in money, for each unit it applies to. */
  unitValue: number;
  /** How many units the effect applies to (teams, customers, ...); 1 when the KPI is already a total. */
  units?: number;
  /** The program's cost, in the same money. */
  cost: number;
}

export type EffectValue =
  /**
   * The estimate claims an effect: its benefit, net benefit and Phillips ROI, each with the interval carried
   * through (the interval's ends put through the same formula). Benefit is the improvement — the estimate
   * turned so that positive is better — times `unitValue` times `units`.
   */
  | {
      status: "value";
      benefit: number;
      benefitInterval: [number, number];
      /** Benefit minus cost. */
      netBenefit: number;
      netBenefitInterval: [number, number];
      /** (benefit − cost) / cost × 100. */
      roiPercent: number;
      roiPercentInterval: [number, number];
      confidence: number;
    }
  /** The estimate makes no claim: show `reason`, and no figure. */
  | { status: "no-number"; reason: string };

/**
 * Net benefit and ROI (Phillips: (benefit − cost) / cost × 100) of a program from its effect estimate, or
 * "the evidence does not support a number" when the estimate makes no claim. Throws a RangeError on input
 * that has no meaning (a unit value or cost that is not positive, units that are not a positive number).
 */
export function effectValue(
  estimate: EffectEstimate | null | undefined,
  direction: "higher_is_better" | "lower_is_better",
  input: ValueInput,
): EffectValue {
  const { unitValue, units = 1, cost } = input;
  if (!(Number.isFinite(unitValue) && unitValue > 0)) throw new RangeError("unitValue must be a positive number");
  if (!(Number.isFinite(units) && units > 0)) throw new RangeError("units must be a positive number");
  if (!(Number.isFinite(cost) && cost > 0)) throw new RangeError("cost must be a positive number");
  const noNumber = (reason: string): EffectValue => ({
    status: "no-number",
    reason: `The evidence does not support a number: ${reason}`,
  });
  if (!estimate) return noNumber("there is no effect estimate (no outcome KPI or program window).");
  switch (estimate.status) {
    case "not-enough-data":
      return noNumber("there is not enough data to compare pilot and comparison teams yet.");
    case "descriptive":
      return noNumber("with this few teams the gap is a description, not an estimate of the program's effect.");
    case "pre-trend":
      return noNumber(
        estimate.reason === "diverging"
          ? "the sides were already moving apart before the start, so no effect is claimed."
          : "a trend already under way before the start could explain the gap, so no effect is claimed.",
      );
    case "estimate":
      if (!estimate.claimsEffect)
        return noNumber("the interval includes zero, so the program's effect cannot be told apart from no effect.");
  }
  // Improvement in KPI units, positive = better; for a lower-is-better KPI the interval's ends swap.
  const sign = direction === "higher_is_better" ? 1 : -1;
  const improvement = sign * estimate.estimate;
  const ends = [sign * estimate.interval[0], sign * estimate.interval[1]].sort((a, b) => a - b) as [number, number];
  const benefitOf = (improvementUnits: number) => improvementUnits * unitValue * units;
  const net = (improvementUnits: number) => benefitOf(improvementUnits) - cost;
  const roi = (improvementUnits: number) => (net(improvementUnits) / cost) * 100;
  return {
    status: "value",
    benefit: benefitOf(improvement),
    benefitInterval: [benefitOf(ends[0]), benefitOf(ends[1])],
    netBenefit: net(improvement),
    netBenefitInterval: [net(ends[0]), net(ends[1])],
    roiPercent: roi(improvement),
    roiPercentInterval: [roi(ends[0]), roi(ends[1])],
    confidence: estimate.confidence,
  };
}
