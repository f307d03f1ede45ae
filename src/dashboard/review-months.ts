import { addDays, type Program } from "../domain/index.js";
import type { ProgramMonth } from "../measure/rollups/index.js";
import { kpiComparison, readKpiSeries } from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import { programKpiIds } from "./kpi-figures.js";
import { programMonths } from "./program-view.js";
import { weekStart } from "./reads.js";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The months a program's review can be read for, and the one to open on. */
export interface ReviewMonths {
  /** The earliest month with the program's data: its start, its first KPI value or its first record. */
  first: string;
  /** The current month. */
  last: string;
  /** The latest month up to now with any activity or KPI value; null when there is none yet. */
  latestWithData: string | null;
}

/** A month outside the program's data: the review says so instead of showing empty figures. */
export class MonthOutsideData extends Error {
  constructor(
    readonly month: string,
    readonly months: ReviewMonths,
  ) {
    super(
      month > months.last
        ? `${month} has not begun: the latest month with a review is ${months.last}`
        : `there is no data for ${month}: this program's data begins in ${months.first}`,
    );
    this.name = "MonthOutsideData";
  }
}

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The month's first and last day. */
export function monthBounds(month: string): { first: string; last: string } {
  if (!isMonth(month)) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { first: `${month}-01`, last: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

/** Months from `first` to `last`, both included. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let m = first; m <= last; ) {
    months.push(m);
    const [y, n] = m.split("-").map(Number) as [number, number];
    m = n === 12 ? `${y + 1}-01` : `${y}-${String(n + 1).padStart(2, "0")}`;
  }
  return months;
}

/**
 * The week whose four-week window a month's review shows adoption for: the last week that ends within the
 * month (so nothing after the month counts), or the current week when that is earlier.
 */
export function reviewWeek(month: string, now: Date): string {
  const { last } = monthBounds(month);
  // The week after the month's last day began on or before the next day; the one before it ends in the month.
  const endsInMonth = addDays(weekStart(new Date(`${addDays(last, 1)}T00:00:00Z`)), -7);
  const current = weekStart(now);
  return endsInMonth < current ? endsInMonth : current;
}

export async function reviewMonths(
  storage: Pick<Storage, "rollups">,
  program: Program,
  now: Date,
): Promise<ReviewMonths> {
  const current = now.toISOString().slice(0, 7);
  const [months, kpiMonths] = await Promise.all([
    programMonths(storage, program),
    Promise.all(programKpiIds(program).map((id) => kpiValueMonths(storage, program, id))),
  ]);
  const withData = [...months.filter(hasActivity).map((m) => m.month), ...kpiMonths.flat()]
    .filter((m) => m <= current)
    .sort();
  const starts = [program.window?.start.slice(0, 7), withData[0]].filter((m): m is string => Boolean(m)).sort();
  const first = starts[0] && starts[0] < current ? starts[0] : current;
  return { first, last: current, latestWithData: withData.at(-1) ?? null };
}

function hasActivity(m: ProgramMonth): boolean {
  const counts = [m.pilot, m.comparison].flatMap((c) => Object.values(c));
  return counts.some((n) => n > 0) || m.skillsCheck.pre + m.skillsCheck.post > 0;
}

/** The months with a value of one KPI for the program (its teams', or the organisation's). */
async function kpiValueMonths(storage: Pick<Storage, "rollups">, program: Program, kpiId: string) {
  const [bySide, organisation] = await Promise.all([
    kpiComparison(storage, program, kpiId),
    readKpiSeries(storage, program.tenantId, kpiId, null),
  ]);
  return [...bySide.map((m) => m.month), ...organisation.map((p) => p.date.slice(0, 7))];
}

/** Refuses a month outside the program's data (MonthOutsideData); a malformed month is a RangeError. */
export function checkReviewMonth(month: string, months: ReviewMonths): void {
  monthBounds(month);
  if (month < months.first || month > months.last) throw new MonthOutsideData(month, months);
}
