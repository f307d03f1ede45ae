import {
  type ChallengeCompletion,
  issuesOf,
  type NudgeResponse,
  type Observation,
  observationProblems,
  observationSchema,
  type Program,
  type SkillsCheckResult,
  ValidationError,
} from "../../domain/index.js";
import { type Storage, skillsCheckKey } from "../../storage/index.js";
import { challengeStatement, nudgeStatement, observationStatement, skillsCheckStatement } from "../xapi/statements.js";
import type { XapiOutbox } from "../xapi/xapi-outbox.js";
import {
  addBehaviourMember,
  addEngagement,
  addMember,
  addObservation,
  addTeamObservations,
  addToMonth,
  countPerson,
  ENGAGEMENT_ROW,
  emptyCounts,
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
  type PrePost,
  type ProgramEngagement,
  type ProgramMonths,
  type ProgramTeamsWeek,
  type ProgramWeek,
  programScope,
  programTeamsRow,
  programTeamsShard,
  programWeekRow,
  roleOf,
  type TeamWeek,
  teamWeekRow,
  type WeekCounts,
  weekOf,
} from "./rollup-model.js";
import { updateRollup } from "./update-rollup.js";

type RollupStorage = Pick<Storage, "rollups">;

/**
 * Applies a change to a team's week, to the program's week for the team's side, to the program's month
 * for the team's side and, for answers, to the program's engagement row. Each row is its own
 * etag-guarded read-modify-write. If the process dies between the raw write and these updates, the
 * rollups lag until the next rebuild (rebuildRollups), which recomputes them from the raw records.
 * Every record of one change falls in `week` and in `month`.
 */
async function updateWeek(
  storage: RollupStorage,
  program: Program,
  teamId: string,
  { week, month }: { week: string; month: string },
  change: (teamWeek: TeamWeek) => Partial<WeekCounts> | undefined,
): Promise<void> {
  const role = roleOf(program, teamId);
  if (!role) return;
  const scope = programScope(program.id);
  let delta: Partial<WeekCounts> = {};
  await updateRollup<TeamWeek>(
    storage,
    program.tenantId,
    scope,
    teamWeekRow(teamId, week),
    () => emptyTeamWeek(teamId, week),
    (tw) => {
      delta = change(tw) ?? {};
    },
  );
  await updateRollup<ProgramWeek>(
    storage,
    program.tenantId,
    scope,
    programWeekRow(week),
    () => emptyProgramWeek(week),
    (pw) => applyDelta(pw[role], delta),
  );
  await updateRollup<ProgramMonths>(storage, program.tenantId, scope, PROGRAM_MONTHS_ROW, emptyProgramMonths, (pm) =>
    addToMonth(monthIn(pm, month)[role], delta),
  );
  if (delta.challengesDone || delta.nudgeResponses)
    await updateRollup<ProgramEngagement>(storage, program.tenantId, scope, ENGAGEMENT_ROW, emptyEngagement, (pe) =>
      addEngagement(pe, week, delta),
    );
}

function applyDelta(counts: WeekCounts, delta: Partial<WeekCounts>): void {
  counts.observations += delta.observations ?? 0;
  counts.topLevel += delta.topLevel ?? 0;
  counts.membersObserved += delta.membersObserved ?? 0;
  counts.challengesDone += delta.challengesDone ?? 0;
  counts.challengesSkipped += delta.challengesSkipped ?? 0;
  counts.nudgeResponses += delta.nudgeResponses ?? 0;
  for (const [id, b] of Object.entries(delta.byBehaviour ?? {})) {
    const into = counts.byBehaviour[id] ?? { observations: 0, topLevel: 0 };
    into.observations += b.observations;
    into.topLevel += b.topLevel;
    if (b.people) into.people = (into.people ?? 0) + b.people;
    counts.byBehaviour[id] = into;
  }
}

/**
 * Records a checklist's observations of one team (all or nothing), then updates the rollups. Each
 * observation must fit the program and team (the team is in the program, the manager manages it, the
 * member belongs to it, the level is on the behaviour's rubric); otherwise nothing is written.
 */
export async function recordObservations(
  storage: Pick<Storage, "observations" | "teams" | "rollups">,
  program: Program,
  teamId: string,
  inputs: readonly unknown[],
  outbox?: XapiOutbox,
): Promise<Observation[]> {
  const team = (await storage.teams.get(program.tenantId, teamId))?.value;
  if (!team) throw new ValidationError("observations", [{ field: "teamId", rule: `no team ${teamId} in this tenant` }]);
  const issues = inputs.flatMap((input, i) => {
    const parsed = observationSchema.safeParse(input);
    if (!parsed.success) return issuesOf(parsed.error, `[${i}]`);
    return observationProblems(parsed.data, program, team).map((problem) => {
      const [field = "(root)", ...rule] = problem.split(": ");
      return { field: `[${i}].${field}`, rule: rule.join(": ") };
    });
  });
  if (issues.length > 0) throw new ValidationError("observations", issues);
  const observations = await storage.observations.addForTeam(program.tenantId, teamId, inputs);
  // A week can straddle two months: one change per (week, month), so each lands in its own month row.
  const byPeriod = new Map<string, Observation[]>();
  for (const o of observations) {
    const key = `${weekOf(o.observedAt)}|${monthOf(o.observedAt)}`;
    byPeriod.set(key, [...(byPeriod.get(key) ?? []), o]);
  }
  for (const [key, list] of byPeriod) {
    const [week = "", month = ""] = key.split("|");
    await updateWeek(storage, program, teamId, { week, month }, (tw) => {
      const delta = emptyCounts();
      for (const o of list) {
        const { behaviourId, top } = observationCounts(program, o.behaviourId, o.levelIndex);
        addObservation(tw, behaviourId, top);
        addObservation(delta, behaviourId, top);
        if (addMember(tw, o.memberObjectId, o.observedAt)) delta.membersObserved++;
        if (addBehaviourMember(tw, behaviourId, o.memberObjectId)) countPerson(delta, behaviourId);
      }
      return delta;
    });
    // The program view's row of every team's week: one more etag-guarded update, after the team's own.
    await updateRollup<ProgramTeamsWeek>(
      storage,
      program.tenantId,
      programScope(program.id),
      programTeamsRow(week, programTeamsShard(teamId)),
      () => emptyProgramTeamsWeek(week),
      (pt) => addTeamObservations(pt, program, teamId, list),
    );
  }
  await outbox?.emit(observations.map((o) => observationStatement(program, o)));
  return observations;
}

/** Records a challenge answer once (a replay records nothing and changes no rollup). */
export async function recordChallengeCompletion(
  storage: Pick<Storage, "challengeCompletions" | "rollups">,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
): Promise<{ recorded: boolean; value: ChallengeCompletion }> {
  const result = await storage.challengeCompletions.record(input);
  if (!result.recorded) return result;
  const c = result.value;
  const field = c.outcome === "done" ? "challengesDone" : "challengesSkipped";
  await updateWeek(storage, program, c.teamId, { week: weekOf(c.at), month: monthOf(c.at) }, (tw) => {
    tw[field]++;
    return { [field]: 1 };
  });
  await outbox?.emit([challengeStatement(program, c)]);
  return result;
}

/** The program team a learner counts in: the first of the program's teams they belong to. */
export async function learnerTeam(
  storage: Pick<Storage, "teams">,
  program: Program,
  learnerObjectId: string,
): Promise<string | undefined> {
  const memberships = await storage.teams.teamsOf(program.tenantId, learnerObjectId);
  const member = new Set(memberships.filter((m) => m.role === "member").map((m) => m.teamId));
  return program.teams.find((t) => member.has(t.teamId))?.teamId;
}

export async function recordNudgeResponse(
  storage: Pick<Storage, "nudgeResponses" | "teams" | "rollups">,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
): Promise<{ recorded: boolean; value: NudgeResponse }> {
  const result = await storage.nudgeResponses.record(input);
  if (!result.recorded) return result;
  const teamId = await learnerTeam(storage, program, result.value.learnerObjectId);
  if (teamId)
    await updateWeek(
      storage,
      program,
      teamId,
      { week: weekOf(result.value.at), month: monthOf(result.value.at) },
      (tw) => {
        tw.nudgeResponses++;
        return { nudgeResponses: 1 };
      },
    );
  await outbox?.emit([nudgeStatement(program, result.value)]);
  return result;
}

/**
 * Records a pre or post result once. A pair is counted when its second half arrives (the first half is
 * then already stored). Two halves recorded at the same instant could both count the pair; the rebuild
 * corrects that rare case.
 */
export async function recordSkillsCheckResult(
  storage: Pick<Storage, "skillsCheckResults" | "rollups">,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
): Promise<{ recorded: boolean; value: SkillsCheckResult }> {
  const result = await storage.skillsCheckResults.record(input);
  if (!result.recorded) return result;
  const r = result.value;
  const other = await storage.skillsCheckResults.get(
    r.tenantId,
    r.learnerObjectId,
    skillsCheckKey(r.programId, r.phase === "pre" ? "post" : "pre"),
  );
  const count = (pp: PrePost) => {
    pp[r.phase]++;
    if (other) addPair(pp, r.phase === "pre" ? r : other, r.phase === "post" ? r : other);
  };
  await updateRollup<PrePost>(storage, program.tenantId, programScope(program.id), PRE_POST_ROW, emptyPrePost, count);
  await updateRollup<ProgramMonths>(
    storage,
    program.tenantId,
    programScope(program.id),
    PROGRAM_MONTHS_ROW,
    emptyProgramMonths,
    (pm) => count(monthIn(pm, monthOf(r.at)).skillsCheck),
  );
  await outbox?.emit([skillsCheckStatement(program, r)]);
  return result;
}

export function addPair(pp: PrePost, pre: SkillsCheckResult, post: SkillsCheckResult): void {
  pp.pairs++;
  pp.preShareSum += pre.score / pre.maxScore;
  pp.postShareSum += post.score / post.maxScore;
}
