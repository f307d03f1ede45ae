import type { Kpi, Valuation } from "../domain/index.js";
import { type EffectEstimate, effectValue } from "../measure/effect/index.js";

/** A figure with its 90% interval, carried through from the effect estimate. */
export interface Ranged {
  estimate: number;
  low: number;
  high: number;
}

/**
 * The review's value section, from `effectValue` (src/measure/effect/): benefit = the estimated improvement of
 * the outcome KPI × the worth of one unit; net benefit = benefit − cost; ROI (Phillips) = net benefit ÷ cost ×
 * 100, each with the estimate's interval carried through. Null figures when the evidence does not support a
 * number (no valuation, no estimate, no claim); `statement` says which, in plain words.
 */
export interface ProgramValue {
  valuation: Valuation | null;
  /** Whether there are figures: an estimate that claims an effect, and a valuation. */
  supported: boolean;
  benefit: Ranged | null;
  netBenefit: Ranged | null;
  roiPercent: Ranged | null;
  statement: string;
}

const money = (n: number, currency: string) =>
  `${currency} ${Math.round(n).toLocaleString("en-GB", { maximumFractionDigits: 0 })}`;
const pct = (n: number) => `${Math.round(n)}%`;
const ranged = (estimate: number, [low, high]: [number, number]): Ranged => ({ estimate, low, high });

export function programValue(
  valuation: Valuation | null,
  effect: EffectEstimate | null,
  kpi: Pick<Kpi, "name" | "direction"> | undefined,
): ProgramValue {
  const none = (statement: string): ProgramValue => ({
    valuation,
    supported: false,
    benefit: null,
    netBenefit: null,
    roiPercent: null,
    statement,
  });
  if (!valuation)
    return none(
      "No value is given: set the worth of one unit of the outcome KPI and the program's cost to see net benefit and ROI.",
    );
  if (!kpi) return none("The evidence does not support a number: the program has no outcome KPI.");
  const value = effectValue(effect, kpi.direction, { unitValue: valuation.unitWorth, cost: valuation.cost });
  if (value.status === "no-number") return none(value.reason);
  const benefit = ranged(value.benefit, value.benefitInterval);
  const netBenefit = ranged(value.netBenefit, value.netBenefitInterval);
  const roiPercent = ranged(value.roiPercent, value.roiPercentInterval);
  const c = valuation.currency;
  const figures = `net benefit ${money(netBenefit.estimate, c)} (90% interval ${money(netBenefit.low, c)} to ${money(netBenefit.high, c)}), ROI ${pct(roiPercent.estimate)} (${pct(roiPercent.low)} to ${pct(roiPercent.high)})`;
  const statement =
    benefit.high < 0
      ? `The program most likely made ${kpi.name} worse, so it did not pay back: ${figures}.`
      : netBenefit.low > 0
        ? `The program most likely paid back: ${figures}.`
        : netBenefit.high < 0
          ? `The program most likely improved ${kpi.name} but did not pay back its cost: ${figures}.`
          : `The program most likely improved ${kpi.name}; whether it paid back its cost is not clear: ${figures}.`;
  return { valuation, supported: true, benefit, netBenefit, roiPercent, statement };
}
