import type { Program } from "../domain/index.js";
import { type PeopleFigure, withholdBelowMinimum } from "../measure/privacy/index.js";
import {
  emptyMonthCounts,
  emptyPrePost,
  type MonthCounts,
  PROGRAM_MONTHS_ROW,
  PROGRAM_TEAMS_SHARDS,
  type PrePost,
  type ProgramMonth,
  type ProgramMonths,
  type ProgramTeamsWeek,
  programScope,
  programTeamsRow,
} from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import { type KpiFigures, programKpis } from "./kpi-figures.js";
import { adoption, adoptionWindow, fromProgramTeams, type ObservedWeek } from "./observed-weeks.js";
import { lastWeeks } from "./reads.js";
import { teamsOfProgram } from "./team-directory.js";
import { ADOPTION_WEEKS, chartWeeks, type TeamFigures, teamFigures, teamSummary } from "./team-figures.js";

export type Side = "pilot" | "comparison";
export const SIDES: readonly Side[] = ["pilot", "comparison"];

/** One team of a program with its weekly chart (GET /programs/:id/teams/:teamId). */
export interface ProgramTeamFigures extends TeamFigures {
  teamId: string;
  name: string;
  role: Side;
}

/** One team's line in the program view; its weekly chart comes on demand (programTeamFigures). */
export interface ProgramTeamSummary {
  teamId: string;
  name: string;
  role: Side;
  /** Members, and how many were observed since the Monday of the week 30 days back. */
  coverage: { members: number; observed: number };
  /** Observations in the current week and the three before: what the adoption figures stand on. */
  recentObservations: number;
  /** Adoption of each behaviour over the current week and the three before. */
  adoption: Record<string, PeopleFigure>;
}

/** One behaviour's adoption by week on each side, pooled over the side's teams, each over four weeks. */
export interface SideTrend {
  behaviourId: string;
  name: string;
  weeks: { week: string; pilot: PeopleFigure; comparison: PeopleFigure }[];
}

/** Skills checks: learners who took each, pairs with both, mean shares of the maximum and their change. */
export interface PrePostFigures {
  pre: number;
  post: number;
  pairs: number;
  preMean: PeopleFigure;
  postMean: PeopleFigure;
  change: PeopleFigure;
}

export interface ProgramView {
  program: { id: string; name: string; status: Program["status"]; window: Program["window"] };
  /** The week "now" falls in: the current figures are over it and the three weeks before. */
  week: string;
  chain: {
    skills: { id: string; name: string }[];
    behaviours: {
      id: string;
      name: string;
      skillIds: string[];
      kpiIds: string[];
      pilotAdoption: PeopleFigure;
      comparisonAdoption: PeopleFigure;
    }[];
  };
  trend: SideTrend[];
  teams: ProgramTeamSummary[];
  kpis: KpiFigures[];
  /** Since the program's first record, per side. Deliveries by status are the delivery report's, loaded beside. */
  engagement: Record<Side, MonthCounts>;
  prePost: PrePostFigures;
  generatedAt: string;
}

/** Every team's observed weeks of a program, by team and week, from the program-wide rows of those weeks. */
export async function programObservedWeeks(
  storage: Pick<Storage, "rollups">,
  program: Program,
  weeks: readonly string[],
): Promise<Map<string, Map<string, ObservedWeek>>> {
  const keys = weeks.flatMap((week) =>
    Array.from({ length: PROGRAM_TEAMS_SHARDS }, (_, shard) => programTeamsRow(week, shard)),
  );
  const rows = await Promise.all(
    keys.map((key) => storage.rollups.get<ProgramTeamsWeek>(program.tenantId, programScope(program.id), key)),
  );
  const byTeam = new Map<string, Map<string, ObservedWeek>>();
  for (const row of rows) {
    if (!row) continue;
    const { week, teams } = row.value.data;
    for (const [teamId, counts] of Object.entries(teams)) {
      const own = byTeam.get(teamId) ?? new Map<string, ObservedWeek>();
      own.set(week, fromProgramTeams(week, teamId, counts));
      byTeam.set(teamId, own);
    }
  }
  return byTeam;
}

/** The observed weeks of one side's teams among `weeks`. */
export function sideWeeks(
  program: Program,
  byTeam: ReadonlyMap<string, ReadonlyMap<string, ObservedWeek>>,
  role: Side,
  weeks: readonly string[],
): ObservedWeek[] {
  return program.teams
    .filter((t) => t.role === role)
    .flatMap((t) => weeks.flatMap((w) => byTeam.get(t.teamId)?.get(w) ?? []));
}

/** A side's adoption of each behaviour over the four weeks ending with `week`. */
export function sideAdoption(
  program: Program,
  byTeam: ReadonlyMap<string, ReadonlyMap<string, ObservedWeek>>,
  role: Side,
  behaviourId: string,
  week: string,
  minimum: number,
): PeopleFigure {
  return adoption(sideWeeks(program, byTeam, role, adoptionWindow(week)), behaviourId, minimum);
}

/** A program's months with any activity, oldest first: one point read of the months row. */
export async function programMonths(storage: Pick<Storage, "rollups">, program: Program): Promise<ProgramMonth[]> {
  const row = await storage.rollups.get<ProgramMonths>(program.tenantId, programScope(program.id), PROGRAM_MONTHS_ROW);
  return Object.values(row?.value.data.months ?? {}).sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** Activity per side summed over months. */
export function engagementOf(months: readonly ProgramMonth[]): Record<Side, MonthCounts> {
  const total = { pilot: emptyMonthCounts(), comparison: emptyMonthCounts() };
  for (const m of months)
    for (const side of SIDES)
      for (const key of Object.keys(total[side]) as (keyof MonthCounts)[]) total[side][key] += m[side][key];
  return total;
}

/** Skills checks summed over months, the means withheld below the privacy minimum of pairs. */
export function prePostOf(months: readonly ProgramMonth[], minimum: number): PrePostFigures {
  const pp: PrePost = emptyPrePost();
  for (const { skillsCheck: s } of months) {
    pp.pre += s.pre;
    pp.post += s.post;
    pp.pairs += s.pairs;
    pp.preShareSum += s.preShareSum;
    pp.postShareSum += s.postShareSum;
  }
  const mean = (sum: number) => (pp.pairs === 0 ? null : sum / pp.pairs);
  const pre = mean(pp.preShareSum);
  const post = mean(pp.postShareSum);
  return {
    pre: pp.pre,
    post: pp.post,
    pairs: pp.pairs,
    preMean: withholdBelowMinimum(pre, pp.pairs, minimum),
    postMean: withholdBelowMinimum(post, pp.pairs, minimum),
    change: withholdBelowMinimum(pre === null || post === null ? null : post - pre, pp.pairs, minimum),
  };
}

/**
 * The admin's Measure step: the chain with figures at each link, the sides' trend, a line per team, KPIs
 * pilot vs comparison, engagement. Point reads of rollup rows only, and few of them whatever the program's
 * size: the program-wide team rows of the charted weeks, the KPI comparisons and the month rows. A team's own
 * weekly chart is a separate request.
 */
export async function programView(
  storage: Storage,
  program: Program,
  now: Date,
  options: { minimum: number },
): Promise<ProgramView> {
  const { minimum } = options;
  const [teamsById, byTeam, kpis, months] = await Promise.all([
    teamsOfProgram(storage, program),
    programObservedWeeks(storage, program, chartWeeks(now)),
    programKpis(storage, program, null),
    programMonths(storage, program),
  ]);
  const teams = program.teams.flatMap((t): ProgramTeamSummary[] => {
    const team = teamsById.get(t.teamId);
    if (!team) return [];
    const summary = teamSummary(program, team, byTeam.get(t.teamId) ?? new Map(), now, minimum);
    return [{ teamId: t.teamId, name: team.name, role: t.role, ...summary }];
  });
  const charted = lastWeeks(now, ADOPTION_WEEKS);
  const trend = program.chain.behaviours.map((b) => ({
    behaviourId: b.id,
    name: b.name,
    weeks: charted.map((week) => ({
      week,
      pilot: sideAdoption(program, byTeam, "pilot", b.id, week, minimum),
      comparison: sideAdoption(program, byTeam, "comparison", b.id, week, minimum),
    })),
  }));
  const current = charted.at(-1) ?? "";
  return {
    program: { id: program.id, name: program.name, status: program.status, window: program.window },
    week: current,
    chain: {
      skills: program.chain.skills.map((s) => ({ id: s.id, name: s.name })),
      behaviours: program.chain.behaviours.map((b, i) => ({
        id: b.id,
        name: b.name,
        skillIds: b.skillIds,
        kpiIds: b.kpiIds,
        // The trend's last point: one figure, one value.
        pilotAdoption: trend[i]?.weeks.at(-1)?.pilot ?? null,
        comparisonAdoption: trend[i]?.weeks.at(-1)?.comparison ?? null,
      })),
    },
    trend,
    teams,
    kpis,
    engagement: engagementOf(months.filter((m) => m.month <= monthOfNow(now))),
    prePost: prePostOf(
      months.filter((m) => m.month <= monthOfNow(now)),
      minimum,
    ),
    generatedAt: now.toISOString(),
  };
}

function monthOfNow(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/**
 * One team of a program with its weekly chart: the team's own rows, one range read. Undefined when the
 * team is not in the program (or no longer exists).
 */
export async function programTeamFigures(
  storage: Storage,
  program: Program,
  teamId: string,
  now: Date,
  options: { minimum: number },
): Promise<ProgramTeamFigures | undefined> {
  const role = program.teams.find((t) => t.teamId === teamId)?.role;
  if (!role) return undefined;
  const team = (await storage.teams.get(program.tenantId, teamId))?.value;
  if (!team) return undefined;
  const figures = await teamFigures(storage, program, team, now, { minimum: options.minimum, people: false });
  return { teamId, name: team.name, role, ...figures };
}
