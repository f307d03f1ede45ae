import type { DeliveryStatus, Program } from "../domain/index.js";
import { DEFAULT_MIN_GROUP_SIZE, isSmallGroup } from "../measure/privacy/index.js";
import {
  emptyPrePost,
  PRE_POST_ROW,
  PROGRAM_WEEK_PREFIX,
  type PrePost,
  type ProgramWeek,
  programScope,
  programWeekRow,
} from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import { type KpiFigures, programKpis } from "./kpi-figures.js";
import { DAY_MS, readUpTo, weekStart } from "./reads.js";
import { type TeamFigures, teamFigures } from "./team-figures.js";

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
  const teams = await Promise.all(
    program.teams.map(async (t): Promise<ProgramTeamFigures | null> => {
      const team = (await storage.teams.get(program.tenantId, t.teamId))?.value;
      if (!team) return null;
      const figures = await teamFigures(storage, program, team, now, { people: false });
      const base = { teamId: t.teamId, name: team.name, role: t.role };
      return isSmallGroup(team.members.length, minimum)
        ? { ...base, ...withhold(figures), withheld: true }
        : { ...base, ...figures, withheld: false };
    }),
  );
  const present = teams.filter((t): t is ProgramTeamFigures => t !== null);
  const scope = programScope(program.id);
  const from = program.window ? program.window.start : weekStart(new Date(now.getTime() - 90 * DAY_MS));
  const [kpis, weeks, prePostRow, deliveries] = await Promise.all([
    programKpis(storage, program, null),
    storage.rollups.range<ProgramWeek>(
      program.tenantId,
      scope,
      programWeekRow(weekStart(new Date(`${from}T00:00:00Z`))),
      `${PROGRAM_WEEK_PREFIX}~`,
    ),
    storage.rollups.get<PrePost>(program.tenantId, scope, PRE_POST_ROW),
    readUpTo(
      (continuationToken) =>
        storage.deliveries.forProgram(program.tenantId, program.id, { continuationToken, pageSize: 1000 }),
      MAX_DELIVERIES,
    ),
  ]);
  const byStatus: Partial<Record<DeliveryStatus, number>> = {};
  for (const { value } of deliveries.items) byStatus[value.status] = (byStatus[value.status] ?? 0) + 1;
  const sides = weeks.flatMap((w) => [w.data.pilot, w.data.comparison]);
  const pp = prePostRow?.value.data ?? emptyPrePost();
  // Fewer pairs than the privacy minimum: a mean would be close to one learner's score.
  const meansShown = pp.pairs > 0 && !isSmallGroup(pp.pairs, minimum);
  const meanAdoption = (role: "pilot" | "comparison", behaviourId: string) => {
    const values = present
      .filter((t) => t.role === role && !t.withheld)
      .map((t) => t.behaviours.find((b) => b.behaviourId === behaviourId)?.currentAdoption)
      .filter((v): v is number => typeof v === "number");
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
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
      challengesDone: sides.reduce((sum, c) => sum + c.challengesDone, 0),
      nudgeResponses: sides.reduce((sum, c) => sum + c.nudgeResponses, 0),
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
