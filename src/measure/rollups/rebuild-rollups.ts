import type { Program, SkillsCheckResult } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { addPair, settleIntents } from "./rollup-intents.js";
import {
  addBehaviourMember,
  addEngagement,
  addMember,
  addObservation,
  addTeamObservations,
  addToMonth,
  countPerson,
  ENGAGEMENT_ROW,
  emptyEngagement,
  emptyPrePost,
  emptyProgramMonths,
  emptyProgramTeamsWeek,
  emptyProgramWeek,
  emptyTeamWeek,
  monthIn,
  monthOf,
  observationCounts,
  PRE_POST_ROW,
  PROGRAM_MONTHS_ROW,
  PROGRAM_TEAMS_PREFIX,
  type ProgramTeamsWeek,
  type ProgramWeek,
  programScope,
  programTeamsRow,
  programTeamsShard,
  programWeekRow,
  type TeamWeek,
  teamWeekRow,
  weekOf,
} from "./rollup-model.js";

type RebuildStorage = Pick<
  Storage,
  "observations" | "challengeCompletions" | "nudgeResponses" | "skillsCheckResults" | "teams" | "rollups"
>;

async function* pages<T>(read: (token?: string) => Promise<{ items: T[]; continuationToken?: string }>) {
  let token: string | undefined;
  do {
    const page = await read(token);
    yield* page.items;
    token = page.continuationToken;
  } while (token);
}

/**
 * Every rollup row of a program, recomputed from the raw records: observations of the program's teams,
 * challenge answers of their managers, nudge responses and skills checks of their members. A learner
 * counts in the first of the program's teams they belong to, as when recorded.
 */
export async function computeRollups(storage: RebuildStorage, program: Program): Promise<Map<string, unknown>> {
  const t = program.tenantId;
  const teamWeeks = new Map<string, TeamWeek>();
  const programWeeks = new Map<string, ProgramWeek>();
  const teamWeek = (teamId: string, week: string) => {
    const key = teamWeekRow(teamId, week);
    const found = teamWeeks.get(key) ?? emptyTeamWeek(teamId, week);
    teamWeeks.set(key, found);
    return found;
  };
  const programWeek = (week: string) => {
    const found = programWeeks.get(week) ?? emptyProgramWeek(week);
    programWeeks.set(week, found);
    return found;
  };
  const teamsWeeks = new Map<string, ProgramTeamsWeek>();
  const teamsWeek = (week: string, teamId: string) => {
    const key = programTeamsRow(week, programTeamsShard(teamId));
    const found = teamsWeeks.get(key) ?? emptyProgramTeamsWeek(week);
    teamsWeeks.set(key, found);
    return found;
  };
  const programMonths = emptyProgramMonths();
  const programMonth = (at: string) => monthIn(programMonths, monthOf(at));
  const prePost = emptyPrePost();
  const learnersSeen = new Set<string>();

  for (const { teamId, role } of program.teams) {
    for await (const o of pages((token) =>
      storage.observations.latest(t, teamId, { pageSize: 1000, continuationToken: token }),
    )) {
      if (o.programId !== program.id) continue;
      const week = weekOf(o.observedAt);
      const { behaviourId, top } = observationCounts(program, o.behaviourId, o.levelIndex);
      const tw = teamWeek(teamId, week);
      addObservation(tw, behaviourId, top);
      addObservation(programWeek(week)[role], behaviourId, top);
      if (addMember(tw, o.memberObjectId, o.observedAt)) programWeek(week)[role].membersObserved++;
      if (addBehaviourMember(tw, behaviourId, o.memberObjectId)) countPerson(programWeek(week)[role], behaviourId);
      addTeamObservations(teamsWeek(week, teamId), program, teamId, [o]);
      addToMonth(programMonth(o.observedAt)[role], { observations: 1 });
    }
    const team = (await storage.teams.get(t, teamId))?.value;
    if (!team) continue;
    for await (const c of pages((token) =>
      storage.challengeCompletions.forPerson(t, team.manager.objectId, { pageSize: 1000, continuationToken: token }),
    )) {
      if (c.programId !== program.id || c.teamId !== teamId) continue;
      const field = c.outcome === "done" ? "challengesDone" : "challengesSkipped";
      teamWeek(teamId, weekOf(c.at))[field]++;
      programWeek(weekOf(c.at))[role][field]++;
      addToMonth(programMonth(c.at)[role], { [field]: 1 });
    }
    for (const member of team.members) {
      if (learnersSeen.has(member.objectId)) continue;
      learnersSeen.add(member.objectId);
      for await (const r of pages((token) =>
        storage.nudgeResponses.forPerson(t, member.objectId, { pageSize: 1000, continuationToken: token }),
      )) {
        if (r.programId !== program.id) continue;
        teamWeek(teamId, weekOf(r.at)).nudgeResponses++;
        programWeek(weekOf(r.at))[role].nudgeResponses++;
        addToMonth(programMonth(r.at)[role], { nudgeResponses: 1 });
      }
      const checks: Partial<Record<"pre" | "post", SkillsCheckResult>> = {};
      for await (const r of pages((token) =>
        storage.skillsCheckResults.forPerson(t, member.objectId, { pageSize: 1000, continuationToken: token }),
      )) {
        if (r.programId !== program.id) continue;
        checks[r.phase] = r;
        prePost[r.phase]++;
        programMonth(r.at).skillsCheck[r.phase]++;
      }
      if (checks.pre && checks.post) {
        addPair(prePost, checks.pre, checks.post);
        // As when recorded: a pair counts in the month its second half came in.
        const second = Date.parse(checks.pre.at) > Date.parse(checks.post.at) ? checks.pre : checks.post;
        addPair(programMonth(second.at).skillsCheck, checks.pre, checks.post);
      }
    }
  }

  const rows = new Map<string, unknown>();
  for (const [key, tw] of teamWeeks) rows.set(key, tw);
  for (const [week, pw] of programWeeks) rows.set(programWeekRow(week), pw);
  for (const [key, pt] of teamsWeeks) rows.set(key, pt);
  if (Object.keys(programMonths.months).length > 0) rows.set(PROGRAM_MONTHS_ROW, programMonths);
  const engagement = emptyEngagement();
  for (const [week, pw] of programWeeks)
    for (const side of [pw.pilot, pw.comparison]) addEngagement(engagement, week, side);
  if (Object.keys(engagement.weeks).length > 0) rows.set(ENGAGEMENT_ROW, engagement);
  if (prePost.pre + prePost.post > 0) rows.set(PRE_POST_ROW, prePost);
  return rows;
}

/** The rows of a program's scope that computeRollups produces (not review notes, not KPI comparisons). */
export function isRebuiltRow(rowKey: string): boolean {
  return (
    rowKey.startsWith("tw:") ||
    rowKey.startsWith("pw:") ||
    rowKey.startsWith(PROGRAM_TEAMS_PREFIX) ||
    rowKey === PROGRAM_MONTHS_ROW ||
    rowKey === PRE_POST_ROW ||
    rowKey === ENGAGEMENT_ROW
  );
}

/**
 * Replaces a program's rollups with ones recomputed from the raw records; removes rows no longer backed.
 * Outstanding intents are settled first: the recomputation counts their records, so their work must not
 * be applied again afterwards.
 */
export async function rebuildRollups(storage: RebuildStorage, program: Program): Promise<{ rows: number }> {
  const scope = programScope(program.id);
  await settleIntents(storage, program);
  const rows = await computeRollups(storage, program);
  await storage.rollups.overwriteMany(
    [...rows].map(([rowKey, data]) => ({ tenantId: program.tenantId, scope, rowKey, data })),
  );
  // Only rows the rebuild computes are its to remove: other rows of the scope (review notes) stay.
  for (const existing of await storage.rollups.range(program.tenantId, scope, "", "~"))
    if (isRebuiltRow(existing.rowKey) && !rows.has(existing.rowKey))
      await storage.rollups.delete(program.tenantId, scope, existing.rowKey);
  return { rows: rows.size };
}
