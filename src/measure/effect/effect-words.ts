import type { EffectKpi, EffectResult, EstimateAdvice, MINIMUM } from "./difference-in-differences.js";

/**
 * The estimate in plain words. Every sentence names what each side actually did (rose, fell, stayed level)
 * and says which way is better for this KPI, so it stays true in every direction of movement: both sides up,
 * both down, opposite ways, for higher- and lower-is-better KPIs.
 */
export function effectSummary(kpi: EffectKpi, start: string, result: EffectResult): string {
  const words = wordsFor(kpi);
  if (result.status === "not-enough-data")
    return [
      `Not enough data yet: there are ${result.pilotTeams} pilot and ${result.comparisonTeams} comparison teams ` +
        `with values for ${result.minimum.periodsBefore} months before the start and ${result.minimum.periodsAfter} after.`,
      adviceSentence(result.advice, result.minimum),
    ].join(" ");

  const lines = [
    `Since ${start}, pilot teams' ${kpi.name} ${words.moved(result.pilotChange)} and comparison teams' ${words.moved(result.comparisonChange)}.`,
    gapSentence(kpi, words, result.pilotChange, result.comparisonChange),
  ];
  if (result.status === "descriptive") {
    lines.push(
      `This is a description, not an estimate of the program's effect: with ${result.pilotTeams} pilot and ` +
        `${result.comparisonTeams} comparison teams, the ordinary differences between teams can make a gap like this, so no interval or claim is given.`,
      `Before the start, pilot teams' ${kpi.name} ${words.trend(result.preTrend.pilotSlope)} and comparison teams' ${words.trend(result.preTrend.comparisonSlope)}.`,
      adviceSentence(result.advice, result.minimum),
    );
    return lines.join(" ");
  }

  const interval = `${Math.round(result.confidence * 100)}% interval ${words.signed(result.interval[0])} to ${words.signed(result.interval[1])}`;
  lines.push(
    `The difference-in-differences (pilot change minus comparison change) is ${words.signed(result.estimate)}, ${interval}.`,
  );
  const { preTrend } = result;
  const apart = preTrend.pilotSlope - preTrend.comparisonSlope;
  const before = `before the start, pilot teams' ${kpi.name} was moving ${apart >= 0 ? "up" : "down"} ${words.amount(apart)} a month relative to comparison teams' (one-sided p = ${round(preTrend.pValue)})`;
  if (result.status === "estimate") {
    lines.push(
      result.claimsEffect
        ? `The interval leaves out zero: the program most likely made a difference, and it was ${words.better(result.estimate) ? "for the better" : "for the worse"}.`
        : "The interval includes zero: the difference cannot be told apart from the ups and downs teams have anyway.",
    );
    if (!preTrend.movedAlike)
      lines.push(
        `Caution: ${before}; the months before the start cannot rule out that the sides were already moving apart, so part of the gap may not be the program's doing.`,
      );
    return lines.join(" ");
  }
  if (result.reason === "diverging") {
    lines.push(
      `Caution: ${before.replace("was moving", "was already moving")}, so part or all of the gap may be that trend, not the program. ` +
        (result.withheld ? "No effect is claimed, although the interval leaves out zero." : "No effect is claimed."),
    );
  } else {
    const beyond = preTrend.beyondTrend;
    lines.push(
      `The interval leaves out zero, but carrying each team's trend from before the start on past it, the gap beyond that trend is ${words.signed(beyond.estimate)} ` +
        `(${Math.round(result.confidence * 100)}% interval ${words.signed(beyond.interval[0])} to ${words.signed(beyond.interval[1])}), which does not: ` +
        "a trend already under way could explain the gap, so no effect is claimed. Values for more months before the start would sharpen this check.",
    );
  }
  return lines.join(" ");
}

const round = (n: number) => Number(n.toFixed(2));
const isLevel = (n: number) => round(Math.abs(n)) === 0;

function wordsFor(kpi: EffectKpi) {
  const amount = (n: number) => {
    const size = round(Math.abs(n));
    if (kpi.unit === "%") return `${size} ${size === 1 ? "point" : "points"}`;
    return kpi.unit ? `${size} ${kpi.unit}` : `${size}`;
  };
  return {
    amount,
    signed: (n: number) => (isLevel(n) ? amount(0) : `${n > 0 ? "+" : "-"}${amount(n)}`),
    moved: (n: number) => (isLevel(n) ? "stayed level" : `${n > 0 ? "rose" : "fell"} ${amount(n)}`),
    trend: (n: number) => (isLevel(n) ? "was level" : `was ${n > 0 ? "rising" : "falling"} ${amount(n)} a month`),
    /** A positive difference is better when higher is better, and the other way round. */
    better: (difference: number) => difference > 0 === (kpi.direction === "higher_is_better"),
  };
}

function gapSentence(
  kpi: EffectKpi,
  words: ReturnType<typeof wordsFor>,
  pilotChange: number,
  comparisonChange: number,
): string {
  const gap = pilotChange - comparisonChange;
  if (isLevel(gap)) return "The two sides moved alike.";
  const bothRose = !isLevel(pilotChange) && !isLevel(comparisonChange) && pilotChange > 0 && comparisonChange > 0;
  const bothFell = !isLevel(pilotChange) && !isLevel(comparisonChange) && pilotChange < 0 && comparisonChange < 0;
  const relation = bothRose
    ? `Pilot teams rose ${words.amount(gap)} ${gap > 0 ? "more" : "less"}`
    : bothFell
      ? `Pilot teams fell ${words.amount(gap)} ${gap < 0 ? "more" : "less"}`
      : `Relative to comparison teams, pilot teams' ${kpi.name} went ${gap > 0 ? "up" : "down"} ${words.amount(gap)}`;
  const better = kpi.direction === "higher_is_better" ? "higher" : "lower";
  return `${relation}, which is ${words.better(gap) ? "in the pilot teams' favour" : "against the pilot teams"}: ${better} ${kpi.name} is better.`;
}

function adviceSentence(advice: EstimateAdvice, minimum: typeof MINIMUM): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const steps: string[] = [];
  const teams = [
    advice.morePilotTeams > 0 ? plural(advice.morePilotTeams, "pilot team") : "",
    advice.moreComparisonTeams > 0 ? plural(advice.moreComparisonTeams, "comparison team") : "",
  ].filter(Boolean);
  if (teams.length > 0) steps.push(`add ${teams.join(" and ")}`);
  if (advice.monthsBeforeNeeded > 0)
    steps.push(
      `import values for ${advice.monthsBeforeNeeded === 1 ? "1 earlier month" : `up to ${advice.monthsBeforeNeeded} earlier months`} for the ${plural(advice.teamsLackingValues, "team")} that lack them`,
    );
  if (advice.monthsAfterNeeded > 0)
    steps.push(`wait for ${plural(advice.monthsAfterNeeded, "month")} of values after the start`);
  const need =
    `An estimate with an interval needs at least ${minimum.teamsPerSide} pilot and ${minimum.teamsPerSide} comparison teams, ` +
    `each with values for ${minimum.periodsBefore} months before the start and ${minimum.periodsAfter} after`;
  if (steps.length === 0) return `${need}.`;
  const months =
    teams.length > 0 ? " More months alone will not do it: the uncertainty comes from how many teams there are." : "";
  return `${need}: ${steps.join(", ")}.${months}`;
}
