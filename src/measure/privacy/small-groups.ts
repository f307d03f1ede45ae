/** Groups smaller than this show no figures that could point at one person (PRIVACY_MIN_GROUP_SIZE). */
export const DEFAULT_MIN_GROUP_SIZE = 5;

/** What a figure about how people did shows instead of a number when too few people stand behind it. */
export const WITHHELD = "withheld";

/**
 * A figure about how people did (a share of ratings, a mean of scores): a number, null when there is nothing
 * to show (nobody rated), or "withheld" when fewer people than the privacy minimum stand behind it.
 */
export type PeopleFigure = number | null | typeof WITHHELD;

/**
 * The one privacy rule. A figure derived from how people did is shown only when at least `minimum` distinct
 * people stand behind it; below that it is withheld, because it would come close to one person's rating or
 * score. Every view, chart and export decides withholding here and nowhere else.
 */
export function withholdBelowMinimum(value: number | null, people: number, minimum: number): PeopleFigure {
  if (value === null) return null;
  return people >= minimum ? value : WITHHELD;
}

/** The number behind a figure, or null when it is withheld or empty: for arithmetic on shown figures only. */
export function shownValue(figure: PeopleFigure): number | null {
  return typeof figure === "number" ? figure : null;
}
