import { createHash } from "node:crypto";
import { isTopLevel, type Observation, type Program, type ProgramTeam } from "../../domain/index.js";

/** Counts of one team (or one side of a program) in one week. */
export interface WeekCounts {
  observations: number;
  /** Observations at the rubric's top level: adoption = topLevel / observations. */
  topLevel: number;
  /**
   * Per behaviour; `people` is how many distinct members were observed on it that week (a team's; summed over
   * teams for a program side), so a share can be withheld when too few people stand behind that behaviour.
   */
  byBehaviour: Record<string, { observations: number; topLevel: number; people?: number }>;
  /** Distinct members observed that week (a team's); summed over teams for a program side. */
  membersObserved: number;
  challengesDone: number;
  challengesSkipped: number;
  nudgeResponses: number;
}

export interface TeamWeek extends WeekCounts {
  teamId: string;
  week: string;
  /** Who was observed, so coverage counts people once; never shown, only counted. */
  memberIds: string[];
  /**
   * When each member was last observed in the week, so "observed in the last 30 days" is exact without
   * reading observations. Rows written before it was kept lack it (a rebuild adds it).
   */
  lastObservedAt?: Record<string, string>;
  /**
   * Who was observed on each behaviour, by memberTag (six characters, not a 36-character id: these rows are
   * read by every manager view), to count the people behind each behaviour's share.
   */
  behaviourMemberTags?: Record<string, string[]>;
}

export interface ProgramWeek {
  week: string;
  pilot: WeekCounts;
  comparison: WeekCounts;
}

/**
 * One team's observations in one week, in short keys: a row holds every team of a program, and the program
 * view reads fifteen of them per request.
 */
export interface TeamObservationCounts {
  /** Observations. */
  o: number;
  /** Observations at the rubric's top level. */
  t: number;
  /** Per behaviour: [observations, at the top level]. */
  b: Record<string, [number, number]>;
  /** The memberTag of each member observed, sorted and joined: enough to count people, not to name anyone. */
  m: string;
  /**
   * Per behaviour, the memberTags of the members observed on it, sorted and joined: a share of one behaviour
   * must stand on enough people observed on that behaviour. Rows written before it was kept lack it (a rebuild
   * adds it); the views then withhold the shares.
   */
  p?: Record<string, string>;
}

/** Every team's observation counts in one week of a program: hundreds of teams in one row. */
export interface ProgramTeamsWeek {
  week: string;
  teams: Record<string, TeamObservationCounts>;
}

/**
 * The program's answers by week in one row (both sides together): the program view sums them since the
 * start with one read instead of a row per week. Only weeks with an answer done or a nudge response appear.
 */
export interface ProgramEngagement {
  weeks: Record<string, { challengesDone: number; nudgeResponses: number }>;
}

/** Skills-check scores as shares of the maximum; a pair is a learner with both pre and post. */
export interface PrePost {
  pre: number;
  post: number;
  pairs: number;
  preShareSum: number;
  postShareSum: number;
}

export type Role = ProgramTeam["role"];

export const programScope = (programId: string) => `program.${programId}`;
export const teamWeekRow = (teamId: string, week: string) => `tw:${teamId}:${week}`;
export const teamWeekPrefix = (teamId: string) => `tw:${teamId}:`;
export const programWeekRow = (week: string) => `pw:${week}`;
export const PROGRAM_WEEK_PREFIX = "pw:";
/**
 * Every team's week is split over this many rows by a hash of the team id: a row stays far below the 1 MiB
 * entity limit up to ~15,000 teams (about 140 bytes a team, stored as UTF-16), and concurrent observation
 * writes of one program contend for a quarter of the rows.
 */
export const PROGRAM_TEAMS_SHARDS = 4;
export const programTeamsRow = (week: string, shard: number) => `pt:${week}:${shard}`;
export const PROGRAM_TEAMS_PREFIX = "pt:";

/** Which of a week's program-wide rows holds the team: stable for a team id. */
export function programTeamsShard(teamId: string): number {
  return createHash("sha256").update(teamId).digest().readUInt32BE(0) % PROGRAM_TEAMS_SHARDS;
}
export const PRE_POST_ROW = "pp";
export const emptyPrePost = (): PrePost => ({ pre: 0, post: 0, pairs: 0, preShareSum: 0, postShareSum: 0 });
export const ENGAGEMENT_ROW = "pe";

/** Activity of one side of a program in one month. */
export interface MonthCounts {
  observations: number;
  challengesDone: number;
  challengesSkipped: number;
  nudgeResponses: number;
}

/**
 * A program's activity in one calendar month (UTC), per side, and its skills checks: what the monthly review
 * counts, exactly by each record's date (weeks straddle months). A skills-check pair counts in the month its
 * second half was recorded.
 */
export interface ProgramMonth {
  month: string;
  pilot: MonthCounts;
  comparison: MonthCounts;
  skillsCheck: PrePost;
}

/**
 * Every month of a program in one row, read with one point read by the program view and the reviews. Writes
 * contend on it no more than on the current week's row, which every record of the week updates too.
 */
export interface ProgramMonths {
  months: Record<string, ProgramMonth>;
}

export const PROGRAM_MONTHS_ROW = "pm";
export const emptyProgramMonths = (): ProgramMonths => ({ months: {} });

/** The month's entry of the months row, created empty when missing. */
export function monthIn(row: ProgramMonths, month: string): ProgramMonth {
  const found = row.months[month] ?? emptyProgramMonth(month);
  row.months[month] = found;
  return found;
}

/** The UTC calendar month of an instant, as YYYY-MM. */
export function monthOf(at: string | Date): string {
  return new Date(typeof at === "string" ? at : at.getTime()).toISOString().slice(0, 7);
}

export const emptyMonthCounts = (): MonthCounts => ({
  observations: 0,
  challengesDone: 0,
  challengesSkipped: 0,
  nudgeResponses: 0,
});
export const emptyProgramMonth = (month: string): ProgramMonth => ({
  month,
  pilot: emptyMonthCounts(),
  comparison: emptyMonthCounts(),
  skillsCheck: emptyPrePost(),
});

/** Adds a change's activity to a side's month. */
export function addToMonth(counts: MonthCounts, delta: Partial<MonthCounts>): void {
  counts.observations += delta.observations ?? 0;
  counts.challengesDone += delta.challengesDone ?? 0;
  counts.challengesSkipped += delta.challengesSkipped ?? 0;
  counts.nudgeResponses += delta.nudgeResponses ?? 0;
}

export function emptyCounts(): WeekCounts {
  return {
    observations: 0,
    topLevel: 0,
    byBehaviour: {},
    membersObserved: 0,
    challengesDone: 0,
    challengesSkipped: 0,
    nudgeResponses: 0,
  };
}

export const emptyTeamWeek = (teamId: string, week: string): TeamWeek => ({
  ...emptyCounts(),
  teamId,
  week,
  memberIds: [],
  lastObservedAt: {},
});
export const emptyProgramWeek = (week: string): ProgramWeek => ({
  week,
  pilot: emptyCounts(),
  comparison: emptyCounts(),
});
export const emptyProgramTeamsWeek = (week: string): ProgramTeamsWeek => ({ week, teams: {} });
export const emptyEngagement = (): ProgramEngagement => ({ weeks: {} });

/** Adds answers to a week of the engagement row; a change with neither leaves the row as it is. */
export function addEngagement(
  engagement: ProgramEngagement,
  week: string,
  delta: { challengesDone?: number; nudgeResponses?: number },
): void {
  if (!delta.challengesDone && !delta.nudgeResponses) return;
  const at = engagement.weeks[week] ?? { challengesDone: 0, nudgeResponses: 0 };
  at.challengesDone += delta.challengesDone ?? 0;
  at.nudgeResponses += delta.nudgeResponses ?? 0;
  engagement.weeks[week] = at;
}

/** Weeks start on Monday (UTC); a week is named by its Monday's date. */
export function weekOf(at: string | Date): string {
  const date = new Date(typeof at === "string" ? at : at.getTime());
  const day = date.getUTCDay();
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((day + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

export function addWeeks(week: string, n: number): string {
  const d = new Date(`${week}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7 * n);
  return d.toISOString().slice(0, 10);
}

export function roleOf(program: Program, teamId: string): Role | undefined {
  return program.teams.find((t) => t.teamId === teamId)?.role;
}

/** One observation's contribution: whether it is top level needs the behaviour's rubric. */
export function observationCounts(
  program: Program,
  behaviourId: string,
  levelIndex: number,
): { behaviourId: string; top: boolean } {
  const behaviour = program.chain.behaviours.find((b) => b.id === behaviourId);
  return { behaviourId, top: behaviour ? isTopLevel(behaviour.rubric, levelIndex) : false };
}

export function addObservation(counts: WeekCounts, behaviourId: string, top: boolean): void {
  counts.observations++;
  if (top) counts.topLevel++;
  const b = counts.byBehaviour[behaviourId] ?? { observations: 0, topLevel: 0 };
  b.observations++;
  if (top) b.topLevel++;
  counts.byBehaviour[behaviourId] = b;
}

/** Adds a member to a team week; returns true when they were not yet counted that week. */
export function addMember(teamWeek: TeamWeek, memberId: string, observedAt: string): boolean {
  const last = teamWeek.lastObservedAt ?? {};
  const before = last[memberId];
  if (before === undefined || Date.parse(before) < Date.parse(observedAt)) last[memberId] = observedAt;
  teamWeek.lastObservedAt = last;
  if (teamWeek.memberIds.includes(memberId)) return false;
  teamWeek.memberIds.push(memberId);
  teamWeek.memberIds.sort();
  teamWeek.membersObserved = teamWeek.memberIds.length;
  return true;
}

/** Adds a member to a behaviour of a team week; returns true when they were not yet counted on it that week. */
export function addBehaviourMember(teamWeek: TeamWeek, behaviourId: string, memberObjectId: string): boolean {
  const byBehaviour = teamWeek.behaviourMemberTags ?? {};
  teamWeek.behaviourMemberTags = byBehaviour;
  const tags = byBehaviour[behaviourId] ?? [];
  const tag = memberTag(memberObjectId);
  if (tags.includes(tag)) return false;
  tags.push(tag);
  tags.sort();
  byBehaviour[behaviourId] = tags;
  countPerson(teamWeek, behaviourId);
  return true;
}

/** One more person behind a behaviour's counts (the behaviour has an observation already). */
export function countPerson(counts: WeekCounts, behaviourId: string): void {
  const b = counts.byBehaviour[behaviourId] ?? { observations: 0, topLevel: 0 };
  b.people = (b.people ?? 0) + 1;
  counts.byBehaviour[behaviourId] = b;
}

export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Characters of a member tag: 36 bits, so two members of one team share a tag with odds far below 1 in 10^7. */
export const MEMBER_TAG_LENGTH = 6;

/** A short tag for a member in the program-wide rows: six characters instead of a 36-character object id. */
export function memberTag(objectId: string): string {
  return createHash("sha256").update(objectId.toLowerCase()).digest("base64url").slice(0, MEMBER_TAG_LENGTH);
}

function splitTags(joined: string): string[] {
  const tags: string[] = [];
  for (let i = 0; i < joined.length; i += MEMBER_TAG_LENGTH) tags.push(joined.slice(i, i + MEMBER_TAG_LENGTH));
  return tags;
}

export function memberTagsOf(counts: Pick<TeamObservationCounts, "m">): string[] {
  return splitTags(counts.m);
}

/** The tags of the members observed on one behaviour; undefined in a row written before they were kept. */
export function behaviourTagsOf(counts: Pick<TeamObservationCounts, "p">, behaviourId: string): string[] | undefined {
  if (!counts.p) return undefined;
  return splitTags(counts.p[behaviourId] ?? "");
}

/** Adds a team's observations to a program week; members are sets, so a re-applied list adds none twice. */
export function addTeamObservations(
  week: ProgramTeamsWeek,
  program: Program,
  teamId: string,
  observations: readonly Pick<Observation, "behaviourId" | "levelIndex" | "memberObjectId">[],
): void {
  const counts = week.teams[teamId] ?? { o: 0, t: 0, b: {}, m: "", p: {} };
  // A row from before per-behaviour people were kept stays without them (unknown, not partial) until a rebuild.
  const keepsPeople = counts.p !== undefined;
  const members = new Set(memberTagsOf(counts));
  const byBehaviour = new Map(Object.entries(counts.p ?? {}).map(([id, joined]) => [id, new Set(splitTags(joined))]));
  for (const o of observations) {
    const { behaviourId, top } = observationCounts(program, o.behaviourId, o.levelIndex);
    counts.o++;
    if (top) counts.t++;
    const b = counts.b[behaviourId] ?? [0, 0];
    b[0]++;
    if (top) b[1]++;
    counts.b[behaviourId] = b;
    const tag = memberTag(o.memberObjectId);
    members.add(tag);
    byBehaviour.set(behaviourId, (byBehaviour.get(behaviourId) ?? new Set()).add(tag));
  }
  counts.m = [...members].sort().join("");
  if (keepsPeople) counts.p = Object.fromEntries([...byBehaviour].map(([id, tags]) => [id, [...tags].sort().join("")]));
  week.teams[teamId] = counts;
}
