import { type Kpi, kpiProgress, type Program } from "../domain/index.js";
import { monthlyValues, sideMonths } from "../measure/rollups/index.js";
import { type KpiDefinition, kpiDefinition } from "./kpi-figures.js";
import type { Side } from "./program-view.js";
import { monthsBetween } from "./review-months.js";

/** A side's (or the organisation's) KPI month by month. */
export interface SideStory {
  /** One per month of the story: the mean of the side's teams' month values (organisation: its month value). */
  values: (number | null)[];
  /** How many teams each month's mean is over (organisation: 1 or 0). */
  teams: number[];
  /** The latest month with a value. */
  current: { month: string; value: number } | null;
  /** Of the way from baseline to target: 0 at baseline, 1 at target, negative the wrong way. */
  progress: number | null;
}

export interface TeamStory {
  teamId: string;
  name: string;
  role: Side;
  values: (number | null)[];
  current: { month: string; value: number } | null;
}

/** A KPI's story for the review: baseline, each month's value, current, target, progress, per side and team. */
export interface KpiStory extends KpiDefinition {
  /** From the first month with a value to the month reviewed. */
  months: string[];
  /** Per-team KPIs. */
  sides: Record<Side, SideStory> | null;
  /** Organisation-wide KPIs. */
  organisation: SideStory | null;
  teams: TeamStory[];
}

function story(kpi: Kpi, months: readonly string[], byMonth: ReadonlyMap<string, { value: number; teams: number }>) {
  const values = months.map((m) => byMonth.get(m)?.value ?? null);
  const last = months.findLastIndex((m) => byMonth.has(m));
  const month = months[last];
  const current = month !== undefined && values[last] != null ? { month, value: values[last] as number } : null;
  return {
    values,
    teams: months.map((m) => byMonth.get(m)?.teams ?? 0),
    current,
    progress: current ? kpiProgress(kpi, current.value) : null,
  };
}

/**
 * The story of one KPI up to a month, from its series (each already cut at the month's end): the month
 * value of a team is its last value dated in the month, a side's the mean over its teams with one.
 */
export function kpiStory(
  kpi: Kpi,
  program: Program,
  seriesOf: ReadonlyMap<string, readonly { date: string; value: number }[]>,
  teamNames: ReadonlyMap<string, string>,
  upTo: string,
): KpiStory {
  const definition = kpiDefinition(kpi, program);
  if (kpi.level === "organisation") {
    const values = monthlyValues(seriesOf.get("_org") ?? []);
    const first = [...values.keys()][0];
    const months = first ? monthsBetween(first, upTo) : [];
    const byMonth = new Map([...values].map(([m, value]) => [m, { value, teams: 1 }]));
    return { ...definition, months, sides: null, organisation: story(kpi, months, byMonth), teams: [] };
  }
  const sides = sideMonths(program, new Map([...seriesOf].map(([k, v]) => [k, [...v]])));
  const first = sides[0]?.month;
  const months = first ? monthsBetween(first, upTo) : [];
  const sideStory = (role: Side) =>
    story(
      kpi,
      months,
      new Map(
        sides.flatMap((s) => {
          const value = s[role];
          return value === null
            ? []
            : [[s.month, { value, teams: role === "pilot" ? s.pilotTeams : s.comparisonTeams }]];
        }),
      ),
    );
  const teams = program.teams.map(({ teamId, role }) => {
    const values = monthlyValues(seriesOf.get(teamId) ?? []);
    const { values: byMonth, current } = story(
      kpi,
      months,
      new Map([...values].map(([m, value]) => [m, { value, teams: 1 }])),
    );
    return {
      teamId,
      name: teamNames.get(teamId) ?? "(a team no longer in the tenant)",
      role,
      values: byMonth,
      current,
    };
  });
  return {
    ...definition,
    months,
    sides: { pilot: sideStory("pilot"), comparison: sideStory("comparison") },
    organisation: null,
    teams,
  };
}
