import type { DeliveryStatus, Program } from "../domain/index.js";
import { DEFAULT_MIN_GROUP_SIZE, isSmallGroup } from "../measure/privacy/index.js";
import {
  ENGAGEMENT_ROW,
  emptyPrePost,
  emptyTeamWeek,
  memberTag,
  memberTagsOf,
  PRE_POST_ROW,
  type PrePost,
  type ProgramEngagement,
  type ProgramTeamsWeek,
  programScope,
  programTeamsRow,
  type TeamWeek,
} from "../measure/rollups/index.js";
import type { RollupRow, Storage } from "../storage/index.js";
import { type KpiFigures, programKpis } from "./kpi-figures.js";
import { DAY_MS, readUpTo, weekStart } from "./reads.js";
import { teamsOfProgram } from "./team-directory.js";
import { chartWeeks, type TeamFigures, teamFigures } from "./team-figures.js";

export interface ProgramTeamFigures extends TeamFigures {
  teamId: string;
  name: string;
  role: "pilot" | "comparison";
  /** True when the team is too small to show its figures without pointing at one person. */
  withheld: boolean;
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
  teams: ProgramTeamFigures[];
  kpis: KpiFigures[];
  engagement: {
    deliveries: Partial<Record<DeliveryStatus, number>>;
    observations: number;
    /** Since the program's start (or the last 90 days), from the weekly rollups. */
    challengesDone: number;
    nudgeResponses: number;
    truncated: boolean;
  };
  /** Skills-check shares of the maximum over learners with both checks; means withheld below the privacy minimum. */
  prePost: { pre: number; post: number; pairs: number; preMean: number | null; postMean: number | null };
  generatedAt: string;
}

const MAX_DELIVERIES = 10_000;

/** The admin's Measure step: the chain with figures at each link, teams, KPIs pilot vs comparison, engagement. */
export async function programView(
  storage: Storage,
  program: Program,
  now: Date,
  options: { minGroupSize?: number } = {},
): Promise<ProgramView> {
  const minimum = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const scope = programScope(program.id);
  const from = program.window ? program.window.start : weekStart(new Date(now.getTime() - 90 * DAY_MS));
  const [teamsById, teamsWeeks, kpis, engagementRow, prePostRow, deliveries] = await Promise.all([
    teamsOfProgram(storage, program),
    weekRows<ProgramTeamsWeek>(storage, program, programTeamsRow, chartWeeks(now)),
    programKpis(storage, program, null),
    storage.rollups.get<ProgramEngagement>(program.tenantId, scope, ENGAGEMENT_ROW),
    storage.rollups.get<PrePost>(program.tenantId, scope, PRE_POST_ROW),
    readUpTo(
      (continuationToken) =>
        storage.deliveries.forProgram(program.tenantId, program.id, { continuationToken, pageSize: 1000 }),
      MAX_DELIVERIES,
    ),
  ]);
  const teams = await Promise.all(
    program.teams.map(async (t): Promise<ProgramTeamFigures | null> => {
      const team = teamsById.get(t.teamId);
      if (!team) return null;
      const byWeek = teamWeeksOf(teamsWeeks, t.teamId);
      const figures = await teamFigures(storage, program, team, now, { people: false, byWeek, memberKey: memberTag });
      const base = { teamId: t.teamId, name: team.name, role: t.role };
      return isSmallGroup(team.members.length, minimum)
        ? { ...base, ...withhold(figures), withheld: true }
        : { ...base, ...figures, withheld: false };
    }),
  );
  const present = teams.filter((t): t is ProgramTeamFigures => t !== null);
  const byStatus: Partial<Record<DeliveryStatus, number>> = {};
  for (const { value } of deliveries.items) byStatus[value.status] = (byStatus[value.status] ?? 0) + 1;
  const fromWeek = weekStart(new Date(`${from}T00:00:00Z`));
  const answered = Object.entries(engagementRow?.value.data.weeks ?? {})
    .filter(([week]) => week >= fromWeek)
    .map(([, counts]) => counts);
  const pp = prePostRow?.value.data ?? emptyPrePost();
  // Fewer pairs than the privacy minimum: a mean would be close to one learner's score.
  const meansShown = pp.pairs > 0 && !isSmallGroup(pp.pairs, minimum);
  const meanAdoption = (role: "pilot" | "comparison", behaviourId: string) => {
    const shown = present
      .filter((t) => t.role === role && !t.withheld)
      .flatMap((t) => {
        const adoption = t.behaviours.find((b) => b.behaviourId === behaviourId)?.currentAdoption;
        return typeof adoption === "number" ? [{ adoption, people: t.coverage.members }] : [];
      });
    // A side's mean stands for the people of the teams behind it: too few, and it points at someone.
    const people = shown.reduce((sum, t) => sum + t.people, 0);
    if (shown.length === 0 || isSmallGroup(people, minimum)) return null;
    return shown.reduce((sum, t) => sum + t.adoption, 0) / shown.length;
  };
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
    teams: present,
    kpis,
    engagement: {
      deliveries: byStatus,
      observations: present.reduce((sum, t) => sum + t.observationCount, 0),
      challengesDone: answered.reduce((sum, c) => sum + c.challengesDone, 0),
      nudgeResponses: answered.reduce((sum, c) => sum + c.nudgeResponses, 0),
      truncated: deliveries.truncated || present.some((t) => t.truncated),
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

/**
 * A program's rows of the given weeks, read by key side by side: the weeks are known, and point reads cost
 * the same however many rows the rollups hold (a range query may cost more where the store scans).
 */
async function weekRows<T>(
  storage: Pick<Storage, "rollups">,
  program: Program,
  rowOf: (week: string) => string,
  weeks: readonly string[],
): Promise<RollupRow<T>[]> {
  const rows = await Promise.all(
    weeks.map((week) => storage.rollups.get<T>(program.tenantId, programScope(program.id), rowOf(week))),
  );
  return rows.flatMap((r) => (r ? [r.value] : []));
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
