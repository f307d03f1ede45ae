import { randomUUID } from "node:crypto";
import {
  type ChallengeCompletion,
  issuesOf,
  type NudgeResponse,
  type Observation,
  observationProblems,
  observationSchema,
  type Program,
  parseChallengeCompletion,
  parseNudgeResponse,
  parseObservation,
  parseSkillsCheckResult,
  type SkillsCheckResult,
  ValidationError,
} from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import type { XapiOutbox } from "../xapi/xapi-outbox.js";
import { applyIntent, dropIntents, type IntentStorage, type RollupIntent, writeIntents } from "./rollup-intents.js";
import { weekOf } from "./rollup-model.js";

/**
 * Points in a recording where a test may stop the process (kill -9) to prove that no crash leaves the
 * figures apart from the records: after the intent, after the record, after each intent is applied.
 */
export interface RecordHooks {
  afterIntent?(): Promise<void>;
  afterRecord?(): Promise<void>;
  afterApply?(index: number): Promise<void>;
}

/**
 * A record's rollup work, done now. Once the record is written the answer stands: should applying fail
 * (storage gone again), the intent stays and the sweep applies it (src/measure/rollups/rollup-intents.ts).
 */
async function applyNow(
  storage: IntentStorage,
  program: Program,
  intents: readonly RollupIntent[],
  outbox: XapiOutbox | undefined,
  hooks: RecordHooks,
): Promise<void> {
  for (const [index, intent] of intents.entries()) {
    try {
      await applyIntent(storage, program, intent.id, { outbox });
    } catch {
      return;
    }
    await hooks.afterApply?.(index);
  }
}

/**
 * Writes the record (through `write`) with its intents before it; if the record is not written, the intents
 * go again (or, if that fails too, the sweep drops them once they are old).
 */
async function withIntents<T>(
  storage: IntentStorage,
  program: Program,
  intents: readonly RollupIntent[],
  hooks: RecordHooks,
  write: () => Promise<T>,
): Promise<T> {
  await writeIntents(storage, program, intents);
  await hooks.afterIntent?.();
  try {
    return await write();
  } catch (error) {
    await dropIntents(storage, program, intents).catch(() => undefined);
    throw error;
  }
}

const intentBase = (tag = randomUUID()) => ({ id: tag, tag, createdAt: new Date().toISOString() });

/**
 * Records a checklist's observations of one team (all or nothing), then updates the rollups. Each
 * observation must fit the program and team (the team is in the program, the manager manages it, the
 * member belongs to it, the level is on the behaviour's rubric); otherwise nothing is written.
 */
export async function recordObservations(
  storage: Pick<Storage, "observations" | "teams"> & IntentStorage,
  program: Program,
  teamId: string,
  inputs: readonly unknown[],
  outbox?: XapiOutbox,
  hooks: RecordHooks = {},
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
  if (inputs.length > 100)
    throw new ValidationError("observations", [{ field: "(root)", rule: "at most 100 at once" }]);
  const parsed = inputs.map(parseObservation);
  // One intent per week (each is one transaction of that week's rows); all share the records' tag.
  const tag = randomUUID();
  const byWeek = new Map<string, Observation[]>();
  for (const o of parsed) byWeek.set(weekOf(o.observedAt), [...(byWeek.get(weekOf(o.observedAt)) ?? []), o]);
  const intents: RollupIntent[] = [...byWeek].map(([week, observations]) => ({
    ...intentBase(randomUUID()),
    tag,
    kind: "observations",
    teamId,
    week,
    observations,
  }));
  const observations = await withIntents(storage, program, intents, hooks, () =>
    storage.observations.addForTeam(program.tenantId, teamId, inputs, { intentTag: tag }),
  );
  await hooks.afterRecord?.();
  await applyNow(storage, program, intents, outbox, hooks);
  return observations;
}

/**
 * A person's record, written once with its rollup work (a replay records nothing and changes no rollup):
 * the intent first, then the record carrying its tag, then the work.
 */
async function recordOnce<T>(
  storage: IntentStorage,
  program: Program,
  intent: RollupIntent,
  outbox: XapiOutbox | undefined,
  hooks: RecordHooks,
  write: (intentTag: string) => Promise<{ recorded: boolean; value: T }>,
): Promise<{ recorded: boolean; value: T }> {
  const result = await withIntents(storage, program, [intent], hooks, () => write(intent.tag));
  if (!result.recorded) {
    // A replay: the record was there already, with its own work; this intent has none to do.
    await dropIntents(storage, program, [intent]).catch(() => undefined);
    return result;
  }
  await hooks.afterRecord?.();
  await applyNow(storage, program, [intent], outbox, hooks);
  return result;
}

/** Records a challenge answer once (a replay records nothing and changes no rollup). */
export async function recordChallengeCompletion(
  storage: Pick<Storage, "challengeCompletions"> & IntentStorage,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
  hooks: RecordHooks = {},
): Promise<{ recorded: boolean; value: ChallengeCompletion }> {
  const record = parseChallengeCompletion(input);
  return recordOnce(storage, program, { ...intentBase(), kind: "challenge", record }, outbox, hooks, (intentTag) =>
    storage.challengeCompletions.record(record, { intentTag }),
  );
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
  storage: Pick<Storage, "nudgeResponses" | "teams"> & IntentStorage,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
  hooks: RecordHooks = {},
): Promise<{ recorded: boolean; value: NudgeResponse }> {
  const record = parseNudgeResponse(input);
  const teamId = (await learnerTeam(storage, program, record.learnerObjectId)) ?? null;
  return recordOnce(storage, program, { ...intentBase(), kind: "nudge", record, teamId }, outbox, hooks, (intentTag) =>
    storage.nudgeResponses.record(record, { intentTag }),
  );
}

/** Records a pre or post result once; the pair counts when both halves are recorded (see rollup-intents). */
export async function recordSkillsCheckResult(
  storage: Pick<Storage, "skillsCheckResults"> & IntentStorage,
  program: Program,
  input: unknown,
  outbox?: XapiOutbox,
  hooks: RecordHooks = {},
): Promise<{ recorded: boolean; value: SkillsCheckResult }> {
  const record = parseSkillsCheckResult(input);
  return recordOnce(storage, program, { ...intentBase(), kind: "skills", record }, outbox, hooks, (intentTag) =>
    storage.skillsCheckResults.record(record, { intentTag }),
  );
}
