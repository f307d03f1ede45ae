import type {
  ChallengeCompletion,
  NudgeResponse,
  Observation,
  Program,
  SkillsCheckResult,
} from "../../domain/index.js";
import {
  AlreadyExistsError,
  ConcurrencyError,
  NotFoundError,
  type Storage,
  skillsCheckKey,
} from "../../storage/index.js";
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

/**
 * A record and the rollup work it implies cannot be split by a crash. Before a record is written, an intent
 * row naming it and the work is written into the program's rollup partition; the record row carries the
 * intent's tag. The work is then applied as one transaction in that partition: every rollup row it changes
 * (each guarded by its etag) and the removal of the intent, all or nothing. An intent still there later is
 * applied by whoever finds it (the writer itself, the sweep at start and every few minutes, the rebuild):
 *
 * - its record is there with its tag: the work was not done (the transaction removes the intent), do it;
 * - its record is there with another tag or none: another write made the record (a replay); drop the intent;
 * - no record: the write is under way, or failed; after INTENT_GRACE_MS it failed, drop the intent.
 *
 * So the figures always converge to what a rebuild from the records gives, with no manual step.
 */
export const INTENT_PREFIX = "intent:";
/** A write takes seconds at most (storage calls time out); an intent this old with no record is a failed write. */
export const INTENT_GRACE_MS = 10 * 60_000;

interface IntentBase {
  id: string;
  /** What the record row carries (INTENT_TAG_COLUMN); one checklist's week intents share their records' tag. */
  tag: string;
  createdAt: string;
}

export type RollupIntent = IntentBase &
  (
    | { kind: "observations"; teamId: string; week: string; observations: Observation[] }
    | { kind: "challenge"; record: ChallengeCompletion }
    /** The learner's program team when answered (null: in none; the answer counts in no team's figures). */
    | { kind: "nudge"; record: NudgeResponse; teamId: string | null }
    | { kind: "skills"; record: SkillsCheckResult }
  );

export type IntentStorage = Pick<
  Storage,
  "rollups" | "observations" | "challengeCompletions" | "nudgeResponses" | "skillsCheckResults"
>;

export const intentRow = (intentId: string) => `${INTENT_PREFIX}${intentId}`;

/** Writes a program's intents together (one partition: one transaction); nothing is applied yet. */
export async function writeIntents(storage: IntentStorage, program: Program, intents: readonly RollupIntent[]) {
  await storage.rollups.commit(
    program.tenantId,
    programScope(program.id),
    intents.map((intent) => ({ rowKey: intentRow(intent.id), data: intent })),
  );
}

/** Removes intents whose record was never written (the write failed before it); a failure here is left to the sweep. */
export async function dropIntents(storage: IntentStorage, program: Program, intents: readonly RollupIntent[]) {
  await storage.rollups.commit(
    program.tenantId,
    programScope(program.id),
    [],
    intents.map((intent) => intentRow(intent.id)),
  );
}

export type IntentOutcome = "applied" | "gone" | "pending" | "abandoned" | "foreign";

export interface ApplyOptions {
  outbox?: XapiOutbox;
  /** A stopping instance leaves the rest to the next sweep (its own or another instance's). */
  signal?: AbortSignal;
  /** The clock that judges an intent's age (INTENT_GRACE_MS). */
  now?: Date;
}

const MAX_ATTEMPTS = 20;

/** Applies one intent if it is still there and its record is its own (see above); safe to run any number of times. */
export async function applyIntent(
  storage: IntentStorage,
  program: Program,
  intentId: string,
  options: ApplyOptions = {},
): Promise<IntentOutcome> {
  const scope = programScope(program.id);
  let emitted = false;
  for (let attempt = 1; ; attempt++) {
    const found = await storage.rollups.get<RollupIntent>(program.tenantId, scope, intentRow(intentId));
    if (!found) return "gone";
    const intent = found.value.data;
    const tag = await recordTagOf(storage, intent);
    if (tag === undefined) {
      const age = (options.now ?? new Date()).getTime() - Date.parse(intent.createdAt);
      if (age < INTENT_GRACE_MS) return "pending";
      await removeIntent(storage, program, intentId);
      return "abandoned";
    }
    if (tag !== intent.tag) {
      await removeIntent(storage, program, intentId);
      return "foreign";
    }
    // Before the rollups: a crash in between emits again, and the statement ids make that a no-op.
    if (!emitted) await options.outbox?.emit(statementsOf(program, intent));
    emitted = true;
    const rows = new RowSet(storage, program.tenantId, scope);
    await changeRows(storage, program, intent, rows);
    try {
      await storage.rollups.commit(program.tenantId, scope, rows.changed(), [intentRow(intentId)]);
      return "applied";
    } catch (error) {
      // Someone changed a row (or applied this intent) since we read: read again and redo.
      const raced =
        error instanceof ConcurrencyError || error instanceof AlreadyExistsError || error instanceof NotFoundError;
      if (!raced || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

async function removeIntent(storage: IntentStorage, program: Program, intentId: string): Promise<void> {
  try {
    await storage.rollups.delete(program.tenantId, programScope(program.id), intentRow(intentId));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** Every intent of a program, applied or dropped as its record says; returns how many of each. */
export async function settleIntents(
  storage: IntentStorage,
  program: Program,
  options: ApplyOptions = {},
): Promise<Record<IntentOutcome, number>> {
  const counts: Record<IntentOutcome, number> = { applied: 0, gone: 0, pending: 0, abandoned: 0, foreign: 0 };
  const rows = await storage.rollups.range<RollupIntent>(program.tenantId, programScope(program.id), INTENT_PREFIX);
  for (const row of rows) {
    if (options.signal?.aborted) break;
    counts[await applyIntent(storage, program, row.data.id, options)]++;
  }
  return counts;
}

/**
 * Settles the intents of every program of every tenant: at start and every few minutes, so the work of a
 * writer that died (or lost storage) is done without anyone asking. Each program costs one range query.
 */
export async function sweepIntents(
  storage: IntentStorage & Pick<Storage, "programs">,
  options: { now?: Date; outboxFor?: (tenantId: string) => XapiOutbox; signal?: AbortSignal } = {},
): Promise<Record<IntentOutcome, number>> {
  const totals: Record<IntentOutcome, number> = { applied: 0, gone: 0, pending: 0, abandoned: 0, foreign: 0 };
  for await (const { value: program } of storage.programs.everywhere()) {
    // A stopping instance does not hold its shutdown for a sweep of every program: the next instance sweeps.
    if (options.signal?.aborted) break;
    const counts = await settleIntents(storage, program, {
      now: options.now,
      outbox: options.outboxFor?.(program.tenantId),
      signal: options.signal,
    });
    for (const outcome of Object.keys(totals) as IntentOutcome[]) totals[outcome] += counts[outcome];
  }
  return totals;
}

/** The tag on the intent's record row: undefined when the record is not (yet) there. */
async function recordTagOf(storage: IntentStorage, intent: RollupIntent): Promise<string | null | undefined> {
  switch (intent.kind) {
    case "observations": {
      // Written in one transaction: one row tells for all.
      const first = intent.observations[0];
      return first ? storage.observations.intentTagOf(first) : null;
    }
    case "challenge":
      return storage.challengeCompletions.intentTagOf(intent.record);
    case "nudge":
      return storage.nudgeResponses.intentTagOf(intent.record);
    case "skills":
      return storage.skillsCheckResults.intentTagOf(intent.record);
  }
}

function statementsOf(program: Program, intent: RollupIntent) {
  switch (intent.kind) {
    case "observations":
      return intent.observations.map((o) => observationStatement(program, o));
    case "challenge":
      return [challengeStatement(program, intent.record)];
    case "nudge":
      return [nudgeStatement(program, intent.record)];
    case "skills":
      return [skillsCheckStatement(program, intent.record)];
  }
}

/** Rollup rows of one scope read once with their etags, changed in memory, written back together. */
class RowSet {
  private readonly rows = new Map<string, { data: unknown; etag?: string }>();

  constructor(
    private readonly storage: IntentStorage,
    private readonly tenantId: string,
    private readonly scope: string,
  ) {}

  async get<T>(rowKey: string, empty: () => T): Promise<T> {
    const held = this.rows.get(rowKey);
    if (held) return held.data as T;
    const found = await this.storage.rollups.get<T>(this.tenantId, this.scope, rowKey);
    const row = found ? { data: found.value.data, etag: found.etag } : { data: empty() };
    this.rows.set(rowKey, row);
    return row.data as T;
  }

  changed(): { rowKey: string; data: unknown; etag?: string }[] {
    return [...this.rows].map(([rowKey, row]) => ({ rowKey, ...row }));
  }
}

/** The rollup work of one intent: the same arithmetic a rebuild does over the raw records. */
async function changeRows(storage: IntentStorage, program: Program, intent: RollupIntent, rows: RowSet) {
  switch (intent.kind) {
    case "observations": {
      const { teamId, week, observations } = intent;
      // A week can straddle two months: one change per month, so each lands in its own month.
      const byMonth = new Map<string, Observation[]>();
      for (const o of observations)
        byMonth.set(monthOf(o.observedAt), [...(byMonth.get(monthOf(o.observedAt)) ?? []), o]);
      for (const [month, list] of byMonth)
        await changeWeek(rows, program, teamId, { week, month }, (tw) => {
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
      // The program view's row of every team's week.
      const teams = await rows.get<ProgramTeamsWeek>(programTeamsRow(week, programTeamsShard(teamId)), () =>
        emptyProgramTeamsWeek(week),
      );
      addTeamObservations(teams, program, teamId, observations);
      return;
    }
    case "challenge": {
      const c = intent.record;
      const field = c.outcome === "done" ? "challengesDone" : "challengesSkipped";
      await changeWeek(rows, program, c.teamId, periodOf(c.at), (tw) => {
        tw[field]++;
        return { [field]: 1 };
      });
      return;
    }
    case "nudge":
      if (intent.teamId)
        await changeWeek(rows, program, intent.teamId, periodOf(intent.record.at), (tw) => {
          tw.nudgeResponses++;
          return { nudgeResponses: 1 };
        });
      return;
    case "skills": {
      const r = intent.record;
      const prePost = await rows.get<PrePost>(PRE_POST_ROW, emptyPrePost);
      const months = await rows.get<ProgramMonths>(PROGRAM_MONTHS_ROW, emptyProgramMonths);
      prePost[r.phase]++;
      monthIn(months, monthOf(r.at)).skillsCheck[r.phase]++;
      // The pair counts once, with whichever half is applied second: the other half must be recorded and its
      // own work done (no intent of it left). Both halves change this row, so their transactions take turns.
      const other = await storage.skillsCheckResults.get(
        r.tenantId,
        r.learnerObjectId,
        skillsCheckKey(r.programId, r.phase === "pre" ? "post" : "pre"),
      );
      if (other && !(await pendingWorkOf(storage, program, other))) {
        const [pre, post] = r.phase === "pre" ? [r, other] : [other, r];
        addPair(prePost, pre, post);
        // As the rebuild counts it: in the month its later half came in.
        const later = Date.parse(pre.at) > Date.parse(post.at) ? pre : post;
        addPair(monthIn(months, monthOf(later.at)).skillsCheck, pre, post);
      }
      return;
    }
  }
}

/** Whether a skills-check result's own rollup work is still to be done (its intent is still there). */
async function pendingWorkOf(storage: IntentStorage, program: Program, result: SkillsCheckResult): Promise<boolean> {
  const tag = await storage.skillsCheckResults.intentTagOf(result);
  if (!tag) return false;
  return (await storage.rollups.get(program.tenantId, programScope(program.id), intentRow(tag))) !== undefined;
}

const periodOf = (at: string) => ({ week: weekOf(at), month: monthOf(at) });

/**
 * A change to a team's week, to the program's week and month for the team's side and, for answers, to the
 * engagement row. Every record of one change falls in `week` and in `month`.
 */
async function changeWeek(
  rows: RowSet,
  program: Program,
  teamId: string,
  { week, month }: { week: string; month: string },
  change: (teamWeek: TeamWeek) => Partial<WeekCounts> | undefined,
): Promise<void> {
  const role = roleOf(program, teamId);
  if (!role) return;
  const teamWeek = await rows.get(teamWeekRow(teamId, week), () => emptyTeamWeek(teamId, week));
  const delta = change(teamWeek) ?? {};
  const programWeek = await rows.get<ProgramWeek>(programWeekRow(week), () => emptyProgramWeek(week));
  applyDelta(programWeek[role], delta);
  const months = await rows.get<ProgramMonths>(PROGRAM_MONTHS_ROW, emptyProgramMonths);
  addToMonth(monthIn(months, month)[role], delta);
  if (delta.challengesDone || delta.nudgeResponses) {
    const engagement = await rows.get<ProgramEngagement>(ENGAGEMENT_ROW, emptyEngagement);
    addEngagement(engagement, week, delta);
  }
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

export function addPair(pp: PrePost, pre: SkillsCheckResult, post: SkillsCheckResult): void {
  pp.pairs++;
  pp.preShareSum += pre.score / pre.maxScore;
  pp.postShareSum += post.score / post.maxScore;
}
