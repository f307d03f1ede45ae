import type { TeamSeries } from "./difference-in-differences.js";

/** What the estimate uses of one team's series. Times are in months of 30 days. */
export interface TeamFigures {
  /** Mean value on or after the start minus mean value before it. */
  change: number;
  /** Least-squares slope of the values before the start, per month. */
  slope: number;
  /**
   * The change beyond the team's own trend before the start, carried on past it: `change` minus the slope
   * times the time between the middle of the before values and the middle of the after values.
   */
  beyondTrend: number;
}

const MONTH = 30 * 86_400_000;
const mean = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / list.length;

/** Distinct dates before and on-or-after the start: what decides whether a team can take part. */
export function periodsOf(series: TeamSeries, start: string): { before: number; after: number } {
  return {
    before: new Set(series.values.filter((v) => v.date < start).map((v) => v.date)).size,
    after: new Set(series.values.filter((v) => v.date >= start).map((v) => v.date)).size,
  };
}

/** The team's figures; the caller checks it has two dated values before the start and one after. */
export function teamFigures(series: TeamSeries, start: string): TeamFigures {
  const before = series.values.filter((v) => v.date < start);
  const after = series.values.filter((v) => v.date >= start);
  const time = (date: string) => (Date.parse(date) - Date.parse(start)) / MONTH;
  const tb = before.map((v) => time(v.date));
  const mtb = mean(tb);
  const mb = mean(before.map((v) => v.value));
  let sxy = 0;
  let sxx = 0;
  before.forEach((v, i) => {
    const dx = (tb[i] as number) - mtb;
    sxy += dx * (v.value - mb);
    sxx += dx * dx;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  const change = mean(after.map((v) => v.value)) - mb;
  const span = mean(after.map((v) => time(v.date))) - mtb;
  return { change, slope, beyondTrend: change - slope * span };
}
