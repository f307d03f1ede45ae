import { type PeopleFigure, withholdBelowMinimum } from "../measure/privacy/index.js";
import {
  addWeeks,
  behaviourTagsOf,
  memberTag,
  memberTagsOf,
  share,
  type TeamObservationCounts,
  type TeamWeek,
} from "../measure/rollups/index.js";
import { DAY_MS, weekStart } from "./reads.js";

/**
 * Adoption and coverage stand on the current week and the three before it: checklists come fortnightly, so a
 * single week's share would zig-zag.
 */
export const ADOPTION_WINDOW_WEEKS = 4;
/** "Observed in the last 30 days", counted in whole weeks: from the Monday of the week 30 days back. */
export const COVERAGE_DAYS = 30;

/**
 * One team's observations in one week, as every view reads them: from the team's own row (manager view, a
 * team's chart) or from the program-wide row of every team (program view, monthly review). People are memberTags.
 */
export interface ObservedWeek {
  teamId: string;
  week: string;
  observations: number;
  /** Per behaviour; `people` is undefined in rows written before people per behaviour were kept. */
  behaviours: Record<string, { observations: number; topLevel: number; people: readonly string[] | undefined }>;
  /** Who was observed on anything that week. */
  members: readonly string[];
}

export function fromTeamWeek(row: TeamWeek): ObservedWeek {
  return {
    teamId: row.teamId,
    week: row.week,
    observations: row.observations,
    behaviours: Object.fromEntries(
      Object.entries(row.byBehaviour).map(([id, b]) => [
        id,
        { observations: b.observations, topLevel: b.topLevel, people: row.behaviourMemberTags?.[id] ?? undefined },
      ]),
    ),
    members: row.memberIds.map(memberTag),
  };
}

export function fromProgramTeams(week: string, teamId: string, counts: TeamObservationCounts): ObservedWeek {
  return {
    teamId,
    week,
    observations: counts.o,
    behaviours: Object.fromEntries(
      Object.entries(counts.b).map(([id, [observations, topLevel]]) => [
        id,
        { observations, topLevel, people: behaviourTagsOf(counts, id) },
      ]),
    ),
    members: memberTagsOf(counts),
  };
}

/** The weeks of the adoption window that ends with `week`, oldest first. */
export function adoptionWindow(week: string): string[] {
  return Array.from({ length: ADOPTION_WINDOW_WEEKS }, (_, i) => addWeeks(week, i - ADOPTION_WINDOW_WEEKS + 1));
}

/**
 * Adoption of a behaviour by a group (a team, or every team of one side) over some weeks: the share of all
 * their observations of it at the rubric's top level. Every observation counts once, so each person counts
 * through their own ratings and a team in proportion to the ratings made in it; never a mean of team shares.
 * The people behind it are the distinct people observed on the behaviour in those weeks (a person in two
 * teams of a side counts once), and the privacy rule decides from them.
 */
export function adoption(weeks: Iterable<ObservedWeek>, behaviourId: string, minimum: number): PeopleFigure {
  let observations = 0;
  let topLevel = 0;
  let unknown = false;
  const people = new Set<string>();
  for (const week of weeks) {
    const b = week.behaviours[behaviourId];
    if (!b || b.observations === 0) continue;
    observations += b.observations;
    topLevel += b.topLevel;
    if (b.people === undefined) unknown = true;
    else for (const tag of b.people) people.add(tag);
  }
  // Rows that do not say who was observed cannot show that enough people were: withheld until a rebuild.
  return withholdBelowMinimum(share(topLevel, observations), unknown ? 0 : people.size, minimum);
}

/** The first week that counts for coverage on `now`. */
export function coverageFromWeek(now: Date): string {
  return weekStart(new Date(now.getTime() - COVERAGE_DAYS * DAY_MS));
}

/** The tags of everyone observed in the given weeks. */
export function observedMembers(weeks: Iterable<ObservedWeek>): Set<string> {
  const seen = new Set<string>();
  for (const week of weeks) for (const tag of week.members) seen.add(tag);
  return seen;
}

/** Observations in the given weeks. */
export function observationsIn(weeks: Iterable<ObservedWeek>): number {
  let total = 0;
  for (const week of weeks) total += week.observations;
  return total;
}
