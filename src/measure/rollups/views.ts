import type { Kpi, Program, Team } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { DEFAULT_MIN_GROUP_SIZE, isSmallGroup } from "../privacy/small-groups.js";
import { type KpiLatest, readKpiLatest } from "./kpi-latest.js";
import { type KpiProgressView, kpiProgressView } from "./kpi-progress.js";
import {
  addWeeks,
  emptyPrePost,
  PRE_POST_ROW,
  PROGRAM_WEEK_PREFIX,
  type PrePost,
  type ProgramWeek,
  programScope,
  programWeekRow,
  share,
  type TeamWeek,
  teamWeekPrefix,
  teamWeekRow,
  type WeekCounts,
  weekOf,
} from "./rollup-model.js";

type ViewStorage = Pick<Storage, "rollups" | "kpis">;

/** "Recent" for adoption and coverage: the current week and the three before it. */
export const RECENT_WEEKS = 4;

export interface WeekPoint {
  week: string;
  adoption: number | null;
  observations: number;
  byBehaviour: Record<string, number | null>;
  challengesDone: number;
  nudgeResponses: number;
}

export interface TeamView {
  teamId: string;
  weeks: WeekPoint[];
  /** Share of recent observations at the top rubric level, per behaviour and overall. */
  adoption: { overall: number | null; byBehaviour: Record<string, number | null> };
  /** Members observed in the recent weeks, of the team's members. */
  coverage: { observed: number | null; members: number; share: number | null };
  /** The team is smaller than the privacy minimum: adoption and coverage are withheld (null). */
  suppressed: boolean;
  challenges: { done: number; skipped: number };
  kpis: KpiProgressView[];
}

function point(week: string, c: WeekCounts | undefined): WeekPoint {
  const counts = c ?? { observations: 0, topLevel: 0, byBehaviour: {}, challengesDone: 0, nudgeResponses: 0 };
  return {
    week,
    adoption: share(counts.topLevel, counts.observations),
    observations: counts.observations,
    byBehaviour: Object.fromEntries(
      Object.entries(counts.byBehaviour).map(([id, b]) => [id, share(b.topLevel, b.observations)]),
    ),
    challengesDone: counts.challengesDone,
    nudgeResponses: counts.nudgeResponses,
  };
}

/** A week's point without its shares: the counts say nothing about anyone. */
function withheldPoint(p: WeekPoint): WeekPoint {
  return {
    ...p,
    adoption: null,
    byBehaviour: Object.fromEntries(Object.keys(p.byBehaviour).map((k) => [k, null])),
  };
}

function sum(list: readonly WeekCounts[]) {
  const total = {
    observations: 0,
    topLevel: 0,
    done: 0,
    skipped: 0,
    nudges: 0,
    byBehaviour: {} as Record<string, { o: number; t: number }>,
  };
  for (const c of list) {
    total.observations += c.observations;
    total.topLevel += c.topLevel;
    total.done += c.challengesDone;
    total.skipped += c.challengesSkipped;
    total.nudges += c.nudgeResponses;
    for (const [id, b] of Object.entries(c.byBehaviour)) {
      const into = total.byBehaviour[id] ?? { o: 0, t: 0 };
      into.o += b.observations;
      into.t += b.topLevel;
      total.byBehaviour[id] = into;
    }
  }
  return total;
}

function weekRange(now: Date, weeks: number): string[] {
  const last = weekOf(now);
  return Array.from({ length: weeks }, (_, i) => addWeeks(last, i - weeks + 1));
}

/** The program's KPIs and their latest values, read all at once (one round trip of point reads). */
async function programKpis(storage: ViewStorage, program: Program): Promise<{ kpi: Kpi; latest: KpiLatest }[]> {
  const ids = [program.outcomeKpiId, ...program.leadingKpiIds].filter((id): id is string => Boolean(id));
  const [kpis, latest] = await Promise.all([
    Promise.all(ids.map((id) => storage.kpis.get(program.tenantId, id))),
    Promise.all(ids.map((id) => readKpiLatest(storage, program.tenantId, id))),
  ]);
  return kpis.flatMap((k, i) => (k ? [{ kpi: k.value, latest: latest[i] ?? { series: {} } }] : []));
}

/**
 * The manager's view of one team in a program, from rollups only: one range read of the team's weeks,
 * one point read per linked KPI's latest values.
 */
export async function teamView(
  storage: ViewStorage,
  program: Program,
  team: Team,
  now: Date,
  options: { weeks?: number; minGroupSize?: number } = {},
): Promise<TeamView> {
  const weeks = options.weeks ?? 12;
  const range = weekRange(now, weeks);
  const scope = programScope(program.id);
  const [rows, kpis] = await Promise.all([
    storage.rollups.range<TeamWeek>(
      program.tenantId,
      scope,
      teamWeekRow(team.id, range[0] ?? ""),
      `${teamWeekPrefix(team.id)}~`,
    ),
    programKpis(storage, program),
  ]);
  const byWeek = new Map(rows.map((r) => [r.data.week, r.data]));
  const recent = range.slice(-RECENT_WEEKS).flatMap((w) => (byWeek.has(w) ? [byWeek.get(w) as TeamWeek] : []));
  const total = sum(recent);
  const observed = new Set(recent.flatMap((r) => r.memberIds));
  const view: TeamView = {
    teamId: team.id,
    weeks: range.map((w) => point(w, byWeek.get(w))),
    adoption: {
      overall: share(total.topLevel, total.observations),
      byBehaviour: Object.fromEntries(
        program.chain.behaviours.map((b) => [
          b.id,
          share(total.byBehaviour[b.id]?.t ?? 0, total.byBehaviour[b.id]?.o ?? 0),
        ]),
      ),
    },
    coverage: {
      observed: observed.size,
      members: team.members.length,
      share: share(observed.size, team.members.length),
    },
    challenges: { done: total.done, skipped: total.skipped },
    kpis: kpis.map(({ kpi, latest }) => kpiProgressView(kpi, currentFor(kpi, latest, team.id))),
    suppressed: false,
  };
  return isSmallGroup(team.members.length, options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE) ? withheld(view) : view;
}

/** In a small team a share of observations is close to one person's rating: keep counts, drop the shares. */
function withheld(view: TeamView): TeamView {
  const none = (r: Record<string, number | null>) => Object.fromEntries(Object.keys(r).map((k) => [k, null]));
  return {
    ...view,
    weeks: view.weeks.map((w) => ({ ...w, adoption: null, byBehaviour: none(w.byBehaviour) })),
    adoption: { overall: null, byBehaviour: none(view.adoption.byBehaviour) },
    coverage: { observed: null, members: view.coverage.members, share: null },
    suppressed: true,
  };
}

function currentFor(kpi: Kpi, latest: KpiLatest | undefined, teamId: string) {
  return latest?.series[kpi.level === "team" ? teamId : "_org"];
}

export interface SideView {
  weeks: WeekPoint[];
  /** Null too when fewer people than the privacy minimum were observed on the side in the recent weeks. */
  adoption: number | null;
  /** Adoption (recent and by week) is withheld: too few people behind it. */
  suppressed: boolean;
  engagement: { observations: number; challengesDone: number; challengesSkipped: number; nudgeResponses: number };
  /** Mean KPI progress of the side's teams with a value (team-level KPIs). */
  kpiProgress: Record<string, number | null>;
}

export interface ProgramView {
  programId: string;
  pilot: SideView;
  comparison: SideView;
  kpis: { kpi: KpiProgressView; byTeam: Record<string, KpiProgressView> }[];
  prePost: {
    pairs: number;
    preMean: number | null;
    postMean: number | null;
    change: number | null;
    pre: number;
    post: number;
  };
}

/** The admin's view of a program, from rollups only: one range read of program weeks, one row per KPI. */
export async function programView(
  storage: ViewStorage,
  program: Program,
  now: Date,
  options: { weeks?: number; minGroupSize?: number } = {},
): Promise<ProgramView> {
  const weeks = options.weeks ?? 26;
  const range = weekRange(now, weeks);
  const scope = programScope(program.id);
  const [rows, prePostRow, kpis] = await Promise.all([
    storage.rollups.range<ProgramWeek>(
      program.tenantId,
      scope,
      programWeekRow(range[0] ?? ""),
      `${PROGRAM_WEEK_PREFIX}~`,
    ),
    storage.rollups.get<PrePost>(program.tenantId, scope, PRE_POST_ROW),
    programKpis(storage, program),
  ]);
  const byWeek = new Map(rows.map((r) => [r.data.week, r.data]));
  const kpiViews = kpis.map(({ kpi, latest }) => {
    const byTeam: Record<string, KpiProgressView> = {};
    if (kpi.level === "team")
      for (const t of program.teams) byTeam[t.teamId] = kpiProgressView(kpi, latest.series[t.teamId]);
    return { kpi: kpiProgressView(kpi, latest.series._org), byTeam };
  });
  const minimum = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const side = (role: "pilot" | "comparison"): SideView => {
    const counts = range.map((w) => byWeek.get(w)?.[role]);
    const total = sum(counts.filter((c): c is WeekCounts => c !== undefined));
    const recentCounts = range.slice(-RECENT_WEEKS).flatMap((w) => {
      const c = byWeek.get(w)?.[role];
      return c ? [c] : [];
    });
    const recent = sum(recentCounts);
    // The rows count people per week, not across weeks: the busiest week is a floor on the people behind the share.
    const people = Math.max(0, ...recentCounts.map((c) => c.membersObserved));
    const suppressed = isSmallGroup(people, minimum);
    const teams = program.teams.filter((t) => t.role === role).map((t) => t.teamId);
    const weekPoint = (w: string, c: WeekCounts | undefined) =>
      c && isSmallGroup(c.membersObserved, minimum) ? withheldPoint(point(w, c)) : point(w, c);
    return {
      weeks: range.map((w, i) => (suppressed ? withheldPoint(point(w, counts[i])) : weekPoint(w, counts[i]))),
      adoption: suppressed ? null : share(recent.topLevel, recent.observations),
      suppressed,
      engagement: {
        observations: total.observations,
        challengesDone: total.done,
        challengesSkipped: total.skipped,
        nudgeResponses: total.nudges,
      },
      kpiProgress: Object.fromEntries(
        kpiViews.map((v) => {
          const values = teams.map((t) => v.byTeam[t]?.progress).filter((p): p is number => typeof p === "number");
          return [v.kpi.kpiId, values.length ? values.reduce((a, b) => a + b, 0) / values.length : null];
        }),
      ),
    };
  };
  const pp = prePostRow?.value.data ?? emptyPrePost();
  // Fewer pairs than the privacy minimum: a mean would be close to one learner's score.
  const shown = !isSmallGroup(pp.pairs, minimum);
  const preMean = pp.pairs && shown ? pp.preShareSum / pp.pairs : null;
  const postMean = pp.pairs && shown ? pp.postShareSum / pp.pairs : null;
  return {
    programId: program.id,
    pilot: side("pilot"),
    comparison: side("comparison"),
    kpis: kpiViews,
    prePost: {
      pairs: pp.pairs,
      pre: pp.pre,
      post: pp.post,
      preMean,
      postMean,
      change: preMean !== null && postMean !== null ? postMean - preMean : null,
    },
  };
}
