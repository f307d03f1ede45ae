import type { Behaviour, Program, Team } from "../domain/index.js";
import {
  programScope,
  share,
  type TeamWeek,
  teamWeekPrefix,
  teamWeekRow,
  type WeekCounts,
} from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import { DAY_MS, lastWeeks, weekStart } from "./reads.js";

/** How many weeks the views chart. */
export const ADOPTION_WEEKS = 12;
export const COVERAGE_DAYS = 30;

export interface AdoptionPoint {
  week: string;
  /**
   * Share of the observations in the four weeks up to this one at the rubric's top level: observations
   * come fortnightly, so a single week's share would zig-zag. Null while nobody has been observed.
   */
  adoption: number | null;
  /** Observations made in this week itself. */
  observations: number;
}

export const ROLLING_WEEKS = 4;

export interface BehaviourAdoption {
  behaviourId: string;
  name: string;
  levels: string[];
  /** Over the last four weeks (this one and the three before). */
  currentAdoption: number | null;
  weeks: AdoptionPoint[];
}

export interface Coverage {
  members: number;
  observed: number;
  notObserved: { objectId: string; displayName: string; lastObservedAt: string | null }[];
}

export interface TeamFigures {
  behaviours: BehaviourAdoption[];
  coverage: Coverage;
  observationCount: number;
  /** Part of the API's shape; rollups are never cut short, so a team's figures are never truncated. */
  truncated: boolean;
}

/** The team's weekly rollup rows of a program from `fromWeek` on: one range read of a handful of rows. */
export async function teamWeeks(
  storage: Pick<Storage, "rollups">,
  program: Program,
  teamId: string,
  fromWeek: string,
): Promise<Map<string, TeamWeek>> {
  const rows = await storage.rollups.range<TeamWeek>(
    program.tenantId,
    programScope(program.id),
    teamWeekRow(teamId, fromWeek),
    `${teamWeekPrefix(teamId)}~`,
  );
  return new Map(rows.map((r) => [r.data.week, r.data]));
}

/** The weeks the adoption chart needs: the charted ones and the three before the first for its rolling share. */
export function chartWeeks(now: Date): string[] {
  return lastWeeks(now, ADOPTION_WEEKS + ROLLING_WEEKS - 1);
}

/**
 * The weeks a team's current figures stand on: the last four (adoption) and every week overlapping the
 * last 30 days (coverage); at most six.
 */
export function recentWeeks(now: Date): string[] {
  const first = weekStart(new Date(now.getTime() - COVERAGE_DAYS * DAY_MS));
  return lastWeeks(now, 6).filter((week) => week >= first);
}

/** A team's current figures, without its weekly chart: what the program view lists per team. */
export function teamSummary(
  program: Program,
  team: Team,
  byWeek: ReadonlyMap<string, TeamWeek>,
  now: Date,
  memberKey: (objectId: string) => string,
): {
  coverage: { members: number; observed: number };
  recentObservations: number;
  adoption: Record<string, number | null>;
} {
  const recent = new Set(lastWeeks(now, ROLLING_WEEKS));
  const seen = observedFromRollups(byWeek, now);
  return {
    coverage: {
      members: team.members.length,
      observed: team.members.filter((m) => seen.has(memberKey(m.objectId))).length,
    },
    recentObservations: [...byWeek.values()]
      .filter((w) => recent.has(w.week))
      .reduce((sum, w) => sum + w.observations, 0),
    adoption: Object.fromEntries(
      program.chain.behaviours.map((b) => [b.id, adoptionOf(b, byWeek, now).currentAdoption]),
    ),
  };
}

export function adoptionOf(
  behaviour: Behaviour,
  byWeek: ReadonlyMap<string, WeekCounts>,
  now: Date,
): BehaviourAdoption {
  const starts = chartWeeks(now);
  const counts = starts.map((week) => byWeek.get(week)?.byBehaviour[behaviour.id] ?? { observations: 0, topLevel: 0 });
  const rolling = (end: number) => {
    const window = counts.slice(Math.max(0, end - ROLLING_WEEKS + 1), end + 1);
    return share(
      window.reduce((sum, c) => sum + c.topLevel, 0),
      window.reduce((sum, c) => sum + c.observations, 0),
    );
  };
  const weeks = starts.slice(ROLLING_WEEKS - 1).map((week, i) => ({
    week,
    adoption: rolling(i + ROLLING_WEEKS - 1),
    observations: counts[i + ROLLING_WEEKS - 1]?.observations ?? 0,
  }));
  return {
    behaviourId: behaviour.id,
    name: behaviour.name,
    levels: behaviour.rubric.levels,
    currentAdoption: rolling(counts.length - 1),
    weeks,
  };
}

/**
 * Members observed in the last 30 days, counted from the weekly rollups: a week counts when it overlaps
 * the 30 days, so the count can include someone seen up to six days earlier than that.
 */
function observedFromRollups(byWeek: ReadonlyMap<string, TeamWeek>, now: Date): Set<string> {
  const firstWeek = weekStart(new Date(now.getTime() - COVERAGE_DAYS * DAY_MS));
  return new Set([...byWeek.values()].filter((w) => w.week >= firstWeek).flatMap((w) => w.memberIds));
}

/** The last week (its Monday) each member was observed in, from the rollup rows at hand. */
function lastWeekSeen(byWeek: ReadonlyMap<string, TeamWeek>): Map<string, string> {
  const last = new Map<string, string>();
  for (const w of byWeek.values())
    for (const id of w.memberIds) if ((last.get(id) ?? "") < w.week) last.set(id, w.week);
  return last;
}

/**
 * Members observed in the last 30 days, exactly: each team week keeps when each member was last observed in
 * it. (A row from before that was kept counts its members as observed in that week, as a rebuild would.)
 */
function observedSince(byWeek: ReadonlyMap<string, TeamWeek>, since: Date): Set<string> {
  const firstWeek = weekStart(since);
  const seen = new Set<string>();
  for (const w of byWeek.values()) {
    if (w.week < firstWeek) continue;
    for (const id of w.memberIds) {
      const at = w.lastObservedAt?.[id];
      if (at === undefined || Date.parse(at) >= since.getTime()) seen.add(id);
    }
  }
  return seen;
}

/**
 * A team's figures for one program from the rollups alone. With `people` (the manager's own view) it also
 * names who has not been observed in 30 days; without (the program view over many teams) coverage is a count
 * and names nobody.
 */
export async function teamFigures(
  storage: Pick<Storage, "rollups">,
  program: Program,
  team: Team,
  now: Date,
  options: {
    people?: boolean;
    /** The team's weeks when the caller reads them anyway (a promise lets both reads run at once). */
    byWeek?: Map<string, TeamWeek> | Promise<Map<string, TeamWeek>>;
    /** How the rows name members (memberTag in the program-wide rows); object ids by default. */
    memberKey?: (objectId: string) => string;
  } = {},
): Promise<TeamFigures> {
  const starts = chartWeeks(now);
  const byWeek = await (options.byWeek ?? teamWeeks(storage, program, team.id, starts[0] ?? ""));
  const charted = new Set(starts);
  const observationCount = [...byWeek.values()]
    .filter((w) => charted.has(w.week))
    .reduce((sum, w) => sum + w.observations, 0);
  let coverage: Coverage;
  if (options.people) {
    const recent = observedSince(byWeek, new Date(now.getTime() - COVERAGE_DAYS * DAY_MS));
    const weekSeen = lastWeekSeen(byWeek);
    const observed = (id: string) => recent.has(id);
    const notObserved = team.members
      .filter((m) => !observed(m.objectId.toLowerCase()) && !observed(m.objectId))
      .map((m) => ({
        objectId: m.objectId,
        displayName: m.displayName,
        lastObservedAt: weekSeen.get(m.objectId.toLowerCase()) ?? weekSeen.get(m.objectId) ?? null,
      }));
    coverage = { members: team.members.length, observed: team.members.length - notObserved.length, notObserved };
  } else {
    const seen = observedFromRollups(byWeek, now);
    const key = options.memberKey;
    const observed = team.members.filter((m) =>
      key ? seen.has(key(m.objectId)) : seen.has(m.objectId.toLowerCase()) || seen.has(m.objectId),
    ).length;
    coverage = { members: team.members.length, observed, notObserved: [] };
  }
  return {
    behaviours: program.chain.behaviours.map((b) => adoptionOf(b, byWeek, now)),
    coverage,
    observationCount,
    truncated: false,
  };
}
