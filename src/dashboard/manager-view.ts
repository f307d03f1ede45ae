import type { Asset, Delivery, Program, Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";
import { type KpiFigures, programKpis } from "./kpi-figures.js";
import { runningProgramsOfTeams } from "./programs-of.js";
import { DAY_MS, readUpTo, weekStart } from "./reads.js";
import { chartWeeks, type TeamFigures, teamFigures, teamWeeks } from "./team-figures.js";

export interface DueItem {
  deliveryId: string;
  title: string;
  kind: Asset["kind"] | "unknown";
  slot: string;
  status: Delivery["status"];
}

export interface ManagerProgramView extends TeamFigures {
  programId: string;
  programName: string;
  status: Program["status"];
  role: "pilot" | "comparison";
  /** Since the program's start (its first week; the last 90 days without a window): done, and cards sent. */
  challenges: { done: number; sent: number };
  dueThisWeek: DueItem[];
  kpis: KpiFigures[];
}

export interface ManagerView {
  team: { id: string; name: string; manager: string; members: number };
  programs: ManagerProgramView[];
  generatedAt: string;
}

const MAX_DELIVERIES = 2_000;

/** What a manager sees for one team: per running program, behaviours, coverage, challenges, due, KPIs. */
export async function managerView(
  storage: Storage,
  team: Team,
  now: Date,
  options: { minimum: number },
): Promise<ManagerView> {
  const programs = await runningProgramsOfTeams(storage, team.tenantId, [team.id]);
  return {
    team: { id: team.id, name: team.name, manager: team.manager.displayName, members: team.members.length },
    programs: await Promise.all(programs.map((p) => teamInProgram(storage, p, team, now, options.minimum))),
    generatedAt: now.toISOString(),
  };
}

async function teamInProgram(
  storage: Storage,
  program: Program,
  team: Team,
  now: Date,
  minimum: number,
): Promise<ManagerProgramView> {
  const role = program.teams.find((t) => t.teamId === team.id)?.role ?? "comparison";
  const from = program.window ? new Date(`${program.window.start}T00:00:00Z`) : new Date(now.getTime() - 90 * DAY_MS);
  const weekFrom = new Date(`${weekStart(now)}T00:00:00Z`);
  const weekTo = new Date(weekFrom.getTime() + 7 * DAY_MS);
  // The team's weeks from the chart's first or the program's first, whichever is earlier: one range read.
  const fromWeek = weekStart(from);
  const chartFrom = chartWeeks(now)[0] ?? fromWeek;
  const weeksRead = teamWeeks(storage, program, team.id, chartFrom < fromWeek ? chartFrom : fromWeek);
  const [figures, kpis, assets, deliveries] = await Promise.all([
    teamFigures(storage, program, team, now, { minimum, people: true, rows: weeksRead }),
    programKpis(storage, program, team.id),
    storage.assets.all(program.tenantId, program.id),
    readUpTo(
      (continuationToken) =>
        storage.deliveries.forRecipient(
          program.tenantId,
          team.manager.objectId,
          { from, to: weekTo },
          { continuationToken, pageSize: 1000 },
        ),
      MAX_DELIVERIES,
    ),
  ]);
  const byId = new Map(assets.map((a) => [a.id, a]));
  const mine = deliveries.items.map((d) => d.value).filter((d) => d.programId === program.id && d.teamId === team.id);
  const challenges = mine.filter((d) => byId.get(d.assetId)?.kind === "micro_challenge" && d.status !== "scheduled");
  // Done comes from the rollups (kept as each answer is recorded); sent from the manager's own deliveries.
  const weeks = await weeksRead;
  const done = [...weeks.values()].filter((w) => w.week >= fromWeek).reduce((sum, w) => sum + w.challengesDone, 0);
  return {
    programId: program.id,
    programName: program.name,
    status: program.status,
    role,
    ...figures,
    challenges: {
      done,
      sent: challenges.filter((d) => d.status !== "cancelled").length,
    },
    dueThisWeek: mine
      .filter((d) => Date.parse(d.slot) >= weekFrom.getTime() && !["cancelled"].includes(d.status))
      .map((d) => ({
        deliveryId: d.id,
        title: byId.get(d.assetId)?.title ?? d.assetId,
        kind: byId.get(d.assetId)?.kind ?? "unknown",
        slot: d.slot,
        status: d.status,
      })),
    kpis,
  };
}

/** A team's figures in each running program it takes part in: the manager view's, without deliveries or KPIs. */
export async function teamFiguresByProgram(
  storage: Storage,
  team: Team,
  now: Date,
  options: { minimum: number },
): Promise<{ program: Program; figures: TeamFigures }[]> {
  const programs = await runningProgramsOfTeams(storage, team.tenantId, [team.id]);
  return Promise.all(
    programs.map(async (program) => ({
      program,
      figures: await teamFigures(storage, program, team, now, { minimum: options.minimum }),
    })),
  );
}
