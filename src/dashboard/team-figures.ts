import type { Behaviour, Program, Team } from "../domain/index.js";
import type { PeopleFigure } from "../measure/privacy/index.js";
import { memberTag, programScope, type TeamWeek, teamWeekPrefix, teamWeekRow } from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import {
  ADOPTION_WINDOW_WEEKS,
  adoption,
  adoptionWindow,
  coverageFromWeek,
  fromTeamWeek,
  type ObservedWeek,
  observationsIn,
  observedMembers,
} from "./observed-weeks.js";
import { lastWeeks, weekStart } from "./reads.js";

/** How many weeks the adoption charts show. */
export const ADOPTION_WEEKS = 12;

export interface AdoptionPoint {
  week: string;
  /** Adoption over the four weeks up to this one (see `adoption`): a number, null (nobody rated) or "withheld". */
  adoption: PeopleFigure;
  /** Observations made in this week itself. */
  observations: number;
}

export interface BehaviourAdoption {
  behaviourId: string;
  name: string;
  levels: string[];
  /** Over the current week and the three before it: the last point of `weeks`. */
  currentAdoption: PeopleFigure;
  weeks: AdoptionPoint[];
}

export interface Coverage {
  members: number;
  /** Members observed since the Monday of the week 30 days back. */
  observed: number;
  /** Only in the manager's own view: who was not observed, and the last week they were (of the weeks read). */
  notObserved: { objectId: string; displayName: string; lastObservedWeek: string | null }[];
}

export interface TeamFigures {
  behaviours: BehaviourAdoption[];
  coverage: Coverage;
  /** Observations in the current week and the three before it: what the current adoption stands on. */
  recentObservations: number;
  /** Observations in the charted weeks. */
  observationCount: number;
  /** Part of the API's shape; rollups are never cut short, so a team's figures are never truncated. */
  truncated: boolean;
}

/** The weeks the adoption chart needs: the charted ones and the three before the first for its window. */
export function chartWeeks(now: Date): string[] {
  return lastWeeks(now, ADOPTION_WEEKS + ADOPTION_WINDOW_WEEKS - 1);
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

function weeksOf(byWeek: ReadonlyMap<string, ObservedWeek>, weeks: readonly string[]): ObservedWeek[] {
  return weeks.flatMap((w) => {
    const found = byWeek.get(w);
    return found ? [found] : [];
  });
}

/** One behaviour's adoption by week over the charted weeks, and now. */
export function behaviourAdoption(
  behaviour: Behaviour,
  byWeek: ReadonlyMap<string, ObservedWeek>,
  now: Date,
  minimum: number,
): BehaviourAdoption {
  const weeks = lastWeeks(now, ADOPTION_WEEKS).map((week) => ({
    week,
    adoption: adoption(weeksOf(byWeek, adoptionWindow(week)), behaviour.id, minimum),
    observations: byWeek.get(week)?.behaviours[behaviour.id]?.observations ?? 0,
  }));
  return {
    behaviourId: behaviour.id,
    name: behaviour.name,
    levels: behaviour.rubric.levels,
    currentAdoption: weeks.at(-1)?.adoption ?? null,
    weeks,
  };
}

/** A team's current figures, without its weekly chart: what the program view lists per team. */
export function teamSummary(
  program: Program,
  team: Team,
  byWeek: ReadonlyMap<string, ObservedWeek>,
  now: Date,
  minimum: number,
): {
  coverage: { members: number; observed: number };
  recentObservations: number;
  adoption: Record<string, PeopleFigure>;
} {
  const recent = weeksOf(byWeek, adoptionWindow(weekStart(now)));
  return {
    coverage: { members: team.members.length, observed: observedOf(team, byWeek, now).length },
    recentObservations: observationsIn(recent),
    adoption: Object.fromEntries(program.chain.behaviours.map((b) => [b.id, adoption(recent, b.id, minimum)])),
  };
}

/** The team's current members observed since the coverage window began. */
function observedOf(team: Team, byWeek: ReadonlyMap<string, ObservedWeek>, now: Date) {
  const first = coverageFromWeek(now);
  const seen = observedMembers([...byWeek.values()].filter((w) => w.week >= first && w.week <= weekStart(now)));
  return team.members.filter((m) => seen.has(memberTag(m.objectId)));
}

/**
 * A team's figures for one program from its own rollup rows. With `people` (the manager's own view) coverage
 * also names who has not been observed; without (an admin's look at one team) it is a count and names nobody.
 */
export async function teamFigures(
  storage: Pick<Storage, "rollups">,
  program: Program,
  team: Team,
  now: Date,
  options: {
    minimum: number;
    people?: boolean;
    /** The team's rows when the caller reads them anyway (a promise lets both reads run at once). */
    rows?: Map<string, TeamWeek> | Promise<Map<string, TeamWeek>>;
  },
): Promise<TeamFigures> {
  const charted = chartWeeks(now);
  const rows = await (options.rows ?? teamWeeks(storage, program, team.id, charted[0] ?? ""));
  const byWeek = new Map([...rows.values()].map((r) => [r.week, fromTeamWeek(r)]));
  const observed = new Set(observedOf(team, byWeek, now).map((m) => m.objectId));
  const lastSeen = new Map<string, string>();
  for (const w of byWeek.values())
    for (const tag of w.members) if ((lastSeen.get(tag) ?? "") < w.week) lastSeen.set(tag, w.week);
  const notObserved = options.people
    ? team.members
        .filter((m) => !observed.has(m.objectId))
        .map((m) => ({
          objectId: m.objectId,
          displayName: m.displayName,
          lastObservedWeek: lastSeen.get(memberTag(m.objectId)) ?? null,
        }))
    : [];
  return {
    behaviours: program.chain.behaviours.map((b) => behaviourAdoption(b, byWeek, now, options.minimum)),
    coverage: { members: team.members.length, observed: observed.size, notObserved },
    recentObservations: observationsIn(weeksOf(byWeek, adoptionWindow(weekStart(now)))),
    observationCount: observationsIn(weeksOf(byWeek, charted)),
    truncated: false,
  };
}
