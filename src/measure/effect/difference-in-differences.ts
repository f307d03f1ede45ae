import { invertTest, permutationDesign, permutationPValue } from "./permutation-test.js";

export interface TeamSeries {
  teamId: string;
  role: "pilot" | "comparison";
  values: readonly { date: string; value: number }[];
}

export interface EffectInput {
  kpi: { name: string; unit: string; direction: "higher_is_better" | "lower_is_better" };
  /** The program's start: values before it are "before", on or after it "after". */
  start: string;
  teams: readonly TeamSeries[];
}

export interface EffectOptions {
  /** Random re-assignments when there are too many to try all (5,000 or fewer are all tried). */
  permutations?: number;
  seed?: number;
}

/**
 * Below these the estimate says "not enough data yet" and gives no number. Four teams a side is the fewest
 * for which a permutation test can reject at 10% at all with room to spare (8 teams: 70 assignments, so the
 * smallest two-sided p-value is 2/70); two dated values before the start are the fewest that show a trend.
 */
export const MINIMUM = { teamsPerSide: 4, periodsBefore: 2, periodsAfter: 1 } as const;
export const CONFIDENCE = 0.9;

export type EffectEstimate =
  | {
      status: "not-enough-data";
      summary: string;
      pilotTeams: number;
      comparisonTeams: number;
      minimum: typeof MINIMUM;
    }
  | {
      status: "estimate";
      /** Pilot change minus comparison change, in the KPI's unit (positive = pilot rose more). */
      estimate: number;
      interval: [number, number];
      confidence: number;
      /** Two-sided p-value of "no effect". */
      pValue: number;
      /** The interval excludes zero. */
      claimsEffect: boolean;
      method: string;
      pilotTeams: number;
      comparisonTeams: number;
      preTrend: { pilotSlope: number; comparisonSlope: number; pValue: number; movedAlike: boolean };
      summary: string;
    };

const DAY = 86_400_000;
const METHOD =
  "difference-in-differences of team means before and after the start; 90% interval by permutation inference over teams (Welch t, test inversion)";

interface TeamFigures {
  change: number;
  /** Units per 30 days before the start (least squares). */
  slope: number;
}

function figuresOf(series: TeamSeries, start: string): TeamFigures | undefined {
  const before = series.values.filter((v) => v.date < start);
  const after = series.values.filter((v) => v.date >= start);
  if (new Set(before.map((v) => v.date)).size < MINIMUM.periodsBefore) return undefined;
  if (new Set(after.map((v) => v.date)).size < MINIMUM.periodsAfter) return undefined;
  const mean = (list: readonly { value: number }[]) => list.reduce((s, v) => s + v.value, 0) / list.length;
  const xs = before.map((v) => (Date.parse(v.date) - Date.parse(start)) / (30 * DAY));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = mean(before);
  let sxy = 0;
  let sxx = 0;
  before.forEach((v, i) => {
    const dx = (xs[i] ?? 0) - mx;
    sxy += dx * (v.value - my);
    sxx += dx * dx;
  });
  return { change: mean(after) - my, slope: sxx > 0 ? sxy / sxx : 0 };
}

const average = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / list.length;

function standardError(pilot: readonly number[], comparison: readonly number[]): number {
  const variance = (list: readonly number[]) => {
    const m = average(list);
    return list.reduce((s, v) => s + (v - m) ** 2, 0) / (list.length - 1);
  };
  return Math.sqrt(variance(pilot) / pilot.length + variance(comparison) / comparison.length);
}

/** The difference the program made to a KPI, with its uncertainty, or "not enough data yet". */
export function estimateEffect(input: EffectInput, options: EffectOptions = {}): EffectEstimate {
  const pilot: TeamFigures[] = [];
  const comparison: TeamFigures[] = [];
  for (const team of input.teams) {
    const figures = figuresOf(team, input.start);
    if (figures) (team.role === "pilot" ? pilot : comparison).push(figures);
  }
  if (pilot.length < MINIMUM.teamsPerSide || comparison.length < MINIMUM.teamsPerSide) {
    return {
      status: "not-enough-data",
      summary:
        `Not enough data yet: an estimate needs at least ${MINIMUM.teamsPerSide} pilot and ${MINIMUM.teamsPerSide} comparison teams, ` +
        `each with ${MINIMUM.periodsBefore} values before the start and ${MINIMUM.periodsAfter} after; ` +
        `there are ${pilot.length} pilot and ${comparison.length} comparison teams with such values.`,
      pilotTeams: pilot.length,
      comparisonTeams: comparison.length,
      minimum: MINIMUM,
    };
  }
  const seed = options.seed ?? 1;
  const design = permutationDesign(pilot.length + comparison.length, pilot.length, options.permutations ?? 1999, seed);
  const changes = [...pilot.map((f) => f.change), ...comparison.map((f) => f.change)];
  const estimate = average(pilot.map((f) => f.change)) - average(comparison.map((f) => f.change));
  const alpha = 1 - CONFIDENCE;
  const se = standardError(
    pilot.map((f) => f.change),
    comparison.map((f) => f.change),
  );
  const interval = invertTest(changes, pilot.length, design, estimate, se || Math.abs(estimate) || 1, alpha) ?? [
    Number.NEGATIVE_INFINITY,
    Number.POSITIVE_INFINITY,
  ];
  const pValue = permutationPValue(changes, pilot.length, design, 0);
  const slopes = [...pilot.map((f) => f.slope), ...comparison.map((f) => f.slope)];
  const preTrendP = permutationPValue(slopes, pilot.length, design, 0);
  const preTrend = {
    pilotSlope: average(pilot.map((f) => f.slope)),
    comparisonSlope: average(comparison.map((f) => f.slope)),
    pValue: preTrendP,
    movedAlike: preTrendP > alpha,
  };
  const claimsEffect = interval[0] > 0 || interval[1] < 0;
  return {
    status: "estimate",
    estimate,
    interval,
    confidence: CONFIDENCE,
    pValue,
    claimsEffect,
    method: METHOD,
    pilotTeams: pilot.length,
    comparisonTeams: comparison.length,
    preTrend,
    summary: summarise(input, estimate, interval, claimsEffect, preTrend.movedAlike),
  };
}

function summarise(
  input: EffectInput,
  estimate: number,
  [low, high]: [number, number],
  claimsEffect: boolean,
  movedAlike: boolean,
): string {
  const { name, unit, direction } = input.kpi;
  const f = (n: number) => `${Number(n.toFixed(2))}${unit === "%" ? " points" : ` ${unit}`}`;
  const moved = estimate >= 0 ? "rose" : "fell";
  const better = estimate >= 0 === (direction === "higher_is_better");
  const lines = [
    `Since ${input.start}, pilot teams' ${name} ${moved} ${f(Math.abs(estimate))} ${estimate >= 0 ? "more" : "further"} than comparison teams' (90% interval ${f(low)} to ${f(high)}).`,
    claimsEffect
      ? `The interval leaves out zero: the program most likely made a difference, and it was ${better ? "for the better" : "for the worse"}.`
      : "The interval includes zero: the difference cannot yet be told apart from the ups and downs teams have anyway.",
  ];
  if (!movedAlike)
    lines.push(
      "Caution: before the start, pilot and comparison teams were already moving differently, so part of the gap may not be the program's doing.",
    );
  return lines.join(" ");
}
