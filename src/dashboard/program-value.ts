import type { Kpi, Valuation } from "../domain/index.js";
import type { EffectEstimate } from "../measure/effect/index.js";

/** A figure with its 90% interval, carried through from the effect estimate. */
export interface Ranged {
  estimate: number;
  low: number;
  high: number;
}

/**
 * The review's value section. Benefit = the estimated improvement of the outcome KPI (pilot against
 * comparison) × the worth of one unit; net benefit = benefit − cost; ROI (Phillips) = net benefit ÷ cost × 100.
 * Each comes with the estimate's interval carried through (all three move with the improvement, so its ends
 * map to theirs). Null figures when the evidence does not support a number; `statement` says which.
 */
export interface ProgramValue {
  valuation: Valuation | null;
  /** Whether the figures may be read as the program's return: an estimate whose interval leaves out zero. */
  supported: boolean;
  benefit: Ranged | null;
  netBenefit: Ranged | null;
  roiPercent: Ranged | null;
  statement: string;
}

const money = (n: number, currency: string) =>
  `${currency} ${Math.round(n).toLocaleString("en-GB", { maximumFractionDigits: 0 })}`;
const pct = (n: number) => `${Math.round(n)}%`;

function carried(improvement: Ranged, f: (x: number) => number): Ranged {
  const [low, high] = [f(improvement.low), f(improvement.high)].sort((a, b) => a - b) as [number, number];
  return { estimate: f(improvement.estimate), low, high };
}

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
  if (!kpi || !effect)
    return none("The evidence does not support a number: there is no estimate of the program's effect yet.");
  if (effect.status !== "estimate")
    return none(
      `The evidence does not support a number yet: there is no estimate of the program's effect on ${kpi.name}, so no benefit or ROI is stated.`,
    );
  if (!effect.preTrend.movedAlike)
    return none(
      `The evidence does not support a number: before the start, pilot and comparison teams' ${kpi.name} was already moving differently, so the gap cannot be credited to the program.`,
    );
  if (!Number.isFinite(effect.interval[0]) || !Number.isFinite(effect.interval[1]))
    return none("The evidence does not support a number: the estimate's interval is unbounded.");
  // Improvement in the KPI's good direction: for a lower-is-better KPI, a fall is the gain.
  const sign = kpi.direction === "higher_is_better" ? 1 : -1;
  const [low, high] = [sign * effect.interval[0], sign * effect.interval[1]].sort((a, b) => a - b) as [number, number];
  const improvement = { estimate: sign * effect.estimate, low, high };
  const benefit = carried(improvement, (x) => x * valuation.unitWorth);
  const netBenefit = carried(benefit, (x) => x - valuation.cost);
  const roiPercent = carried(netBenefit, (x) => (x / valuation.cost) * 100);
  const c = valuation.currency;
  const range = `(90% interval ${pct(roiPercent.low)} to ${pct(roiPercent.high)})`;
  const figures = `net benefit ${money(netBenefit.estimate, c)} (${money(netBenefit.low, c)} to ${money(netBenefit.high, c)}), ROI ${pct(roiPercent.estimate)} ${range}`;
  const supported = effect.claimsEffect;
  const statement = !supported
    ? `The evidence does not support a return: the estimate's interval includes no effect, so the ROI could be anywhere ${range.slice(1, -1).replace("90% interval", "from")}. Best estimate: ${figures}.`
    : improvement.high < 0
      ? `The program most likely made ${kpi.name} worse, so it did not pay back: ${figures}.`
      : netBenefit.low > 0
        ? `The program most likely paid back: ${figures}.`
        : netBenefit.high < 0
          ? `The program most likely improved ${kpi.name} but did not pay back its cost: ${figures}.`
          : `The program most likely improved ${kpi.name}; whether it paid back its cost is not clear: ${figures}.`;
  return { valuation, supported, benefit, netBenefit, roiPercent, statement };
}
