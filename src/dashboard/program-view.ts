import type { Program } from "../domain/index.js";
import { DEFAULT_MIN_GROUP_SIZE, isSmallGroup } from "../measure/privacy/index.js";
import {
  ENGAGEMENT_ROW,
  emptyPrePost,
  emptyTeamWeek,
  memberTag,
  memberTagsOf,
  PRE_POST_ROW,
  PROGRAM_TEAMS_SHARDS,
  type PrePost,
  type ProgramEngagement,
  type ProgramTeamsWeek,
  type ProgramWeek,
  programScope,
  programTeamsRow,
  programWeekRow,
  share,
  type TeamWeek,
} from "../measure/rollups/index.js";
import type { RollupRow, Storage } from "../storage/index.js";
import { type KpiFigures, programKpis } from "./kpi-figures.js";
import { DAY_MS, weekStart } from "./reads.js";
import { teamsOfProgram } from "./team-directory.js";
import {
  ADOPTION_WEEKS,
  chartWeeks,
  ROLLING_WEEKS,
  recentWeeks,
  type TeamFigures,
  teamFigures,
  teamSummary,
} from "./team-figures.js";

export interface ProgramTeamFigures extends TeamFigures {
  teamId: string;
  name: string;
  role: "pilot" | "comparison";
  /** True when the team is too small to show its figures without pointing at one person. */
  withheld: boolean;
}

/** One team's line in the program view; its weekly chart comes on demand (programTeamFigures). */
export interface ProgramTeamSummary {
  teamId: string;
  name: string;
  role: "pilot" | "comparison";
  /** True when the team is too small to show its figures without pointing at one person. */
  withheld: boolean;
  /** Members, and how many were observed in the last 30 days (0 when withheld). */
  coverage: { members: number; observed: number };
  /** Observations in the last four weeks: what the adoption shares stand on. */
  recentObservations: number;
  /** Share at the rubric's top level over the last four weeks, per behaviour; null when withheld or none. */
  adoption: Record<string, number | null>;
}

/** One behaviour's adoption by week on each side, pooled over the side's teams (a 4-week rolling share). */
export interface SideTrend {
  behaviourId: string;
  name: string;
  weeks: { week: string; pilot: number | null; comparison: number | null }[];
}

export interface ProgramView {
  program: { id: string; name: string; status: Program["status"]; window: Program["window"] };
  chain: {
    skills: { id: string; name: string }[];
    behaviours: {
      id: string;
      name: string;
      skillIds: string[];
      kpiIds: string[];
      pilotAdoption: number | null;
      comparisonAdoption: number | null;
    }[];
  };
  /** Pilot against comparison by week; a side's week is null when too few people stand behind it. */
  trend: SideTrend[];
  teams: ProgramTeamSummary[];
  kpis: KpiFigures[];
  /** Deliveries by status are the delivery report's (GET /programs/:id/deliveries), loaded beside this view. */
  engagement: {
    /** In the last 12 weeks, all teams of the program. */
    observations: number;
    /** Since the program's start (or the last 90 days), from the weekly rollups. */
    challengesDone: number;
    nudgeResponses: number;
  };
  /** Skills-check shares of the maximum over learners with both checks; means withheld below the privacy minimum. */
  prePost: { pre: number; post: number; pairs: number; preMean: number | null; postMean: number | null };
  generatedAt: string;
}

/**
 * The admin's Measure step: the chain with figures at each link, the sides' trend, a line per team, KPIs
 * pilot vs comparison, engagement. Point reads of rollup rows only, and few of them whatever the program's
 * size: the weeks of the last 30 days of the program-wide team rows, the charted weeks of the sides' rows,
 * the KPI comparison, engagement and pre/post rows. A team's own weekly chart is a separate request.
 */
export async function programView(
  storage: Storage,
  program: Program,
  now: Date,
  options: { minGroupSize?: number } = {},
): Promise<ProgramView> {
  const minimum = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const scope = programScope(program.id);
  const from = program.window ? program.window.start : weekStart(new Date(now.getTime() - 90 * DAY_MS));
  const charted = chartWeeks(now);
  const [teamsById, teamsWeeks, sideWeeks, kpis, engagementRow, prePostRow] = await Promise.all([
    teamsOfProgram(storage, program),
    programTeamsWeeks(storage, program, recentWeeks(now)),
    Promise.all(charted.map((week) => storage.rollups.get<ProgramWeek>(program.tenantId, scope, programWeekRow(week)))),
    programKpis(storage, program, null),
    storage.rollups.get<ProgramEngagement>(program.tenantId, scope, ENGAGEMENT_ROW),
    storage.rollups.get<PrePost>(program.tenantId, scope, PRE_POST_ROW),
  ]);
  const teams = program.teams.flatMap((t): ProgramTeamSummary[] => {
    const team = teamsById.get(t.teamId);
    if (!team) return [];
    const summary = teamSummary(program, team, teamWeeksOf(teamsWeeks, t.teamId), now, memberTag);
    const base = { teamId: t.teamId, name: team.name, role: t.role };
    if (!isSmallGroup(team.members.length, minimum)) return [{ ...base, ...summary, withheld: false }];
    return [
      {
        ...base,
        ...summary,
        adoption: Object.fromEntries(Object.keys(summary.adoption).map((id) => [id, null])),
        coverage: { members: summary.coverage.members, observed: 0 },
        withheld: true,
      },
    ];
  });
  const fromWeek = weekStart(new Date(`${from}T00:00:00Z`));
  const answered = Object.entries(engagementRow?.value.data.weeks ?? {})
    .filter(([week]) => week >= fromWeek)
    .map(([, counts]) => counts);
  const pp = prePostRow?.value.data ?? emptyPrePost();
  // Fewer pairs than the privacy minimum: a mean would be close to one learner's score.
  const meansShown = pp.pairs > 0 && !isSmallGroup(pp.pairs, minimum);
  const meanAdoption = (role: "pilot" | "comparison", behaviourId: string) => {
    const shown = teams.flatMap((t) => {
      const adoption = t.role === role && !t.withheld ? t.adoption[behaviourId] : null;
      return typeof adoption === "number" ? [{ adoption, people: t.coverage.members }] : [];
    });
    // A side's mean stands for the people of the teams behind it: too few, and it points at someone.
    const people = shown.reduce((sum, t) => sum + t.people, 0);
    if (shown.length === 0 || isSmallGroup(people, minimum)) return null;
    return shown.reduce((sum, t) => sum + t.adoption, 0) / shown.length;
  };
  const byWeek = new Map(sideWeeks.flatMap((r) => (r ? [[r.value.data.week, r.value.data] as const] : [])));
  const observedIn = (week: string) =>
    (byWeek.get(week)?.pilot.observations ?? 0) + (byWeek.get(week)?.comparison.observations ?? 0);
  return {
    program: { id: program.id, name: program.name, status: program.status, window: program.window },
    chain: {
      skills: program.chain.skills.map((s) => ({ id: s.id, name: s.name })),
      behaviours: program.chain.behaviours.map((b) => ({
        id: b.id,
        name: b.name,
        skillIds: b.skillIds,
        kpiIds: b.kpiIds,
        pilotAdoption: meanAdoption("pilot", b.id),
        comparisonAdoption: meanAdoption("comparison", b.id),
      })),
    },
    trend: sideTrends(program, byWeek, now, minimum),
    teams,
    kpis,
    engagement: {
      observations: charted.slice(-ADOPTION_WEEKS).reduce((sum, week) => sum + observedIn(week), 0),
      challengesDone: answered.reduce((sum, c) => sum + c.challengesDone, 0),
      nudgeResponses: answered.reduce((sum, c) => sum + c.nudgeResponses, 0),
    },
    prePost: {
      pre: pp.pre,
      post: pp.post,
      pairs: pp.pairs,
      preMean: meansShown ? pp.preShareSum / pp.pairs : null,
      postMean: meansShown ? pp.postShareSum / pp.pairs : null,
    },
    generatedAt: now.toISOString(),
  };
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
  options: { minGroupSize?: number } = {},
): Promise<ProgramTeamFigures | undefined> {
  const role = program.teams.find((t) => t.teamId === teamId)?.role;
  if (!role) return undefined;
  const team = (await storage.teams.get(program.tenantId, teamId))?.value;
  if (!team) return undefined;
  const figures = await teamFigures(storage, program, team, now, { people: false });
  const base = { teamId, name: team.name, role };
  return isSmallGroup(team.members.length, options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE)
    ? { ...base, ...withhold(figures), withheld: true }
    : { ...base, ...figures, withheld: false };
}

/** Keeps the counts that say nothing about anyone; drops adoption and who was (not) observed. */
function withhold(figures: TeamFigures): TeamFigures {
  return {
    ...figures,
    behaviours: figures.behaviours.map((b) => ({
      ...b,
      currentAdoption: null,
      weeks: b.weeks.map((w) => ({ ...w, adoption: null })),
    })),
    coverage: { members: figures.coverage.members, observed: 0, notObserved: [] },
  };
}

/** The program-wide team rows of the given weeks (every shard of each), read by key side by side. */
async function programTeamsWeeks(
  storage: Pick<Storage, "rollups">,
  program: Program,
  weeks: readonly string[],
): Promise<RollupRow<ProgramTeamsWeek>[]> {
  const keys = weeks.flatMap((week) =>
    Array.from({ length: PROGRAM_TEAMS_SHARDS }, (_, shard) => programTeamsRow(week, shard)),
  );
  const rows = await Promise.all(
    keys.map((key) => storage.rollups.get<ProgramTeamsWeek>(program.tenantId, programScope(program.id), key)),
  );
  return rows.flatMap((r) => (r ? [r.value] : []));
}

/**
 * Each behaviour's pooled adoption by week on each side. The rows count the people observed on each behaviour
 * per week, not across weeks, so the busiest week of a rolling window is the floor on the people behind its
 * share: below the privacy minimum the point is withheld. (A person in two teams of one side counts twice.)
 */
export function sideTrends(
  program: Program,
  byWeek: ReadonlyMap<string, ProgramWeek>,
  now: Date,
  minimum: number,
): SideTrend[] {
  const weeks = chartWeeks(now);
  const side = (role: "pilot" | "comparison", behaviourId: string, end: number) => {
    const window = weeks.slice(Math.max(0, end - ROLLING_WEEKS + 1), end + 1).map((w) => byWeek.get(w)?.[role]);
    const counts = window.map((c) => c?.byBehaviour[behaviourId] ?? { observations: 0, topLevel: 0 });
    // The people observed on this behaviour, not on any: a share of one person's ratings must not show.
    const people = Math.max(0, ...counts.map((c) => c.people ?? 0));
    if (isSmallGroup(people, minimum)) return null;
    return share(
      counts.reduce((sum, c) => sum + c.topLevel, 0),
      counts.reduce((sum, c) => sum + c.observations, 0),
    );
  };
  return program.chain.behaviours.map((b) => ({
    behaviourId: b.id,
    name: b.name,
    weeks: weeks.slice(ROLLING_WEEKS - 1).map((week, i) => ({
      week,
      pilot: side("pilot", b.id, i + ROLLING_WEEKS - 1),
      comparison: side("comparison", b.id, i + ROLLING_WEEKS - 1),
    })),
  }));
}

/** One team's weeks, out of the rows holding every team's week, in the shape the team figures take. */
function teamWeeksOf(rows: readonly RollupRow<ProgramTeamsWeek>[], teamId: string): Map<string, TeamWeek> {
  const byWeek = new Map<string, TeamWeek>();
  for (const { data } of rows) {
    const counts = data.teams[teamId];
    if (!counts) continue;
    const memberIds = memberTagsOf(counts);
    byWeek.set(data.week, {
      ...emptyTeamWeek(teamId, data.week),
      observations: counts.o,
      topLevel: counts.t,
      byBehaviour: Object.fromEntries(
        Object.entries(counts.b).map(([id, [observations, topLevel]]) => [id, { observations, topLevel }]),
      ),
      memberIds,
      membersObserved: memberIds.length,
    });
  }
  return byWeek;
}
