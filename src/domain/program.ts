import { z } from "zod";
import type { Asset } from "./asset.js";
import { DomainRuleError, InvalidTransitionError } from "./errors.js";
import { impactChainSchema } from "./impact-chain.js";
import { audienceOf, programDefaults } from "./program-defaults.js";
import { scheduleSchema } from "./schedule.js";
import {
  entraIdSchema,
  type FieldIssue,
  idSchema,
  isoDateSchema,
  isoDateTimeSchema,
  nameSchema,
  parseWith,
  textSchema,
  uniqueList,
} from "./validation.js";

export const programStatuses = ["draft", "active", "paused", "completed"] as const;
export type ProgramStatus = (typeof programStatuses)[number];

/**
 * draft → active → paused → completed. A paused program may resume, and an active one may complete
 * directly; nothing leaves completed, and nothing returns to draft.
 */
const allowedTransitions: Record<ProgramStatus, readonly ProgramStatus[]> = {
  draft: ["active"],
  active: ["paused", "completed"],
  paused: ["active", "completed"],
  completed: [],
};

export function canTransition(from: ProgramStatus, to: ProgramStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** The "Discover" step of program design: why this program exists. */
export const discoverSchema = z.strictObject({
  problemToday: textSchema.default(""),
  desiredState: textSchema.default(""),
  barriers: z.array(z.string().trim().min(1, "must not be empty").max(500)).max(20).default([]),
  strategicObjective: textSchema.default(""),
});

const DAY_MS = 86_400_000;

/**
 * The program's first and last day (both included). Given as {start, end}, or as a start and a length in
 * days ("a 90-day pilot from 1 July": {start: "2026-07-01", days: 90} ends on 28 September); kept as
 * {start, end} either way.
 */
export const programWindowSchema = z
  .strictObject({
    start: isoDateSchema,
    end: isoDateSchema.optional(),
    days: z
      .number("must be a whole number of days")
      .int("must be a whole number of days")
      .min(2, "must be at least 2 (the window ends after it starts)")
      .max(1000, "must be at most 1000")
      .optional(),
  })
  .superRefine((window, ctx) => {
    if (window.end === undefined && window.days === undefined)
      ctx.addIssue({ code: "custom", path: ["end"], message: "is required (or give days: the window's length)" });
    if (window.end !== undefined && window.days !== undefined)
      ctx.addIssue({ code: "custom", path: ["days"], message: "must not be given with end: give one or the other" });
  })
  .transform(({ start, end, days }) => ({
    start,
    end: end ?? new Date(Date.parse(`${start}T00:00:00Z`) + ((days ?? 1) - 1) * DAY_MS).toISOString().slice(0, 10),
  }));

export const programTeamSchema = z.strictObject({
  teamId: idSchema,
  role: z.enum(["pilot", "comparison"], "must be pilot or comparison"),
});

export type ProgramTeam = z.output<typeof programTeamSchema>;

/**
 * What the program is worth to the business, as the admin states it: the worth of one unit of the outcome
 * KPI's improvement across the pilot teams over the window (e.g. one point of win rate = 30,000 EUR of margin),
 * and the program's full cost. The review turns the effect estimate into net benefit and ROI with them.
 */
export const valuationSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 code such as EUR"),
  unitWorth: z.number("must be a number").finite("must be a finite number").positive("must be more than 0"),
  cost: z.number("must be a number").finite("must be a finite number").positive("must be more than 0"),
});

export type Valuation = z.output<typeof valuationSchema>;

export const programSchema = z
  .strictObject({
    id: idSchema,
    tenantId: entraIdSchema,
    name: nameSchema,
    status: z.enum(programStatuses, "must be draft, active, paused or completed").default("draft"),
    discover: discoverSchema.default(() => programDefaults().discover),
    /** The one lagging business KPI the program serves. */
    outcomeKpiId: idSchema.nullable().default(null),
    leadingKpiIds: uniqueList(idSchema).max(10, "must have at most 10 leading metrics").default([]),
    window: programWindowSchema.nullable().default(null),
    /**
     * When the program last became active. Slots before it were never sendable, so they take no place in
     * a person's daily cap (a program activated at 11:00 still sends its afternoon cards). Set by a transition.
     */
    activeSince: isoDateTimeSchema.nullable().default(null),
    valuation: valuationSchema.nullable().default(null),
    reviewCadence: z
      .enum(["weekly", "monthly", "quarterly"], "must be weekly, monthly or quarterly")
      .default(() => programDefaults().reviewCadence),
    teams: z.array(programTeamSchema).max(500, "must have at most 500 teams").default([]),
    owners: uniqueList(entraIdSchema).default([]),
    chain: impactChainSchema.default({ skills: [], behaviours: [] }),
    schedule: scheduleSchema.default(() => programDefaults().schedule),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .superRefine((program, ctx) => {
    if (program.window && program.window.end <= program.window.start) {
      ctx.addIssue({ code: "custom", path: ["window", "end"], message: "must be after the window's start" });
    }
    if (program.outcomeKpiId && program.leadingKpiIds.includes(program.outcomeKpiId)) {
      ctx.addIssue({ code: "custom", path: ["leadingKpiIds"], message: "must not include the outcome KPI" });
    }
    const metrics = new Set([program.outcomeKpiId, ...program.leadingKpiIds].filter(Boolean));
    program.chain.behaviours.forEach((behaviour, i) => {
      behaviour.kpiIds.forEach((kpiId, j) => {
        if (!metrics.has(kpiId))
          ctx.addIssue({
            code: "custom",
            path: ["chain", "behaviours", i, "kpiIds", j],
            message: `must be the program's outcome KPI or one of its leading metrics (not ${kpiId})`,
          });
      });
    });
    const teams = new Set<string>();
    program.teams.forEach((team, i) => {
      if (teams.has(team.teamId))
        ctx.addIssue({ code: "custom", path: ["teams", i, "teamId"], message: "must not list a team twice" });
      teams.add(team.teamId);
    });
  });

export type Program = z.output<typeof programSchema>;
export type ProgramInput = z.input<typeof programSchema>;

export function parseProgram(input: unknown): Program {
  return parseWith(programSchema, input, "program");
}

/** What is still missing before a program can go live; empty when it is ready. */
export function activationProblems(program: Program, assets: readonly Asset[]): string[] {
  const problems: string[] = [];
  if (!program.outcomeKpiId) problems.push("outcome KPI: must be set");
  if (!program.window) problems.push("window: must be set");
  if (program.chain.behaviours.length === 0) problems.push("chain: must have at least one behaviour");
  if (!program.teams.some((t) => t.role === "pilot")) problems.push("teams: must have at least one pilot team");
  if (program.schedule.entries.length === 0) problems.push("schedule: must have at least one entry");
  const behaviours = new Set(program.chain.behaviours.map((b) => b.id));
  const byId = new Map(assets.map((a) => [a.id, a]));
  // Said by the assets' titles, as the admin knows them; an asset that is gone has only its entry to show.
  for (const entry of program.schedule.entries) {
    const asset = byId.get(entry.assetId);
    if (!asset) {
      problems.push("schedule: an entry sends an asset that no longer exists; remove it from the schedule");
      continue;
    }
    if (audienceOf(asset.kind) !== entry.audience)
      problems.push(
        `schedule: "${asset.title}" is a ${asset.kind.replace("_", " ")}, which goes to ${audienceOf(asset.kind)}, not ${entry.audience}`,
      );
    if (asset.behaviourIds.some((b) => !behaviours.has(b)))
      problems.push(`asset "${asset.title}": reinforces a behaviour that is not in the program's chain`);
  }
  return problems;
}

/**
 * What a save may not take away once a program has left draft: its behaviours, which observations, rollups
 * and sent cards name by id. A draft may change freely. Empty when the change is allowed.
 */
export function removalProblems(before: Program, after: Program): string[] {
  if (before.status === "draft") return [];
  const kept = new Set(after.chain.behaviours.map((b) => b.id));
  return before.chain.behaviours
    .filter((b) => !kept.has(b.id))
    .map(
      (b) =>
        `chain: behaviour "${b.name}" cannot be removed once the program has started (it is ${before.status}); observations refer to it`,
    );
}

/**
 * Why an asset may not be deleted: once the program has started, deliveries, cards and answers name it; in a
 * draft, a schedule entry that sends it must go first. Empty when it may.
 */
export function assetRemovalProblems(program: Program, asset: Pick<Asset, "id" | "title">): string[] {
  if (program.status !== "draft")
    return [
      `"${asset.title}" cannot be deleted once the program has started (it is ${program.status}); deliveries refer to it`,
    ];
  const entries = program.schedule.entries.filter((e) => e.assetId === asset.id).length;
  return entries === 0
    ? []
    : [
        `the schedule sends "${asset.title}" (${entries === 1 ? "1 entry" : `${entries} entries`}): remove it from the schedule and save first`,
      ];
}

/** An asset may only reinforce behaviours of its program's chain: each one that is not is a field issue. */
export function assetBehaviourIssues(program: Program, asset: Pick<Asset, "behaviourIds">): FieldIssue[] {
  const behaviours = new Set(program.chain.behaviours.map((b) => b.id));
  return asset.behaviourIds.flatMap((id, i) =>
    behaviours.has(id) ? [] : [{ field: `behaviourIds.${i}`, rule: "must be one of the program's saved behaviours" }],
  );
}

/**
 * Moves a program to a new status. Activation requires a complete program (see activationProblems);
 * every other rule is the transition table.
 */
export function transitionProgram(program: Program, to: ProgramStatus, assets: readonly Asset[], now: Date): Program {
  if (!canTransition(program.status, to)) throw new InvalidTransitionError("program", program.status, to);
  if (to === "active") {
    const problems = activationProblems(program, assets);
    if (problems.length > 0) throw new DomainRuleError(problems);
  }
  const at = now.toISOString();
  return { ...program, status: to, activeSince: to === "active" ? at : program.activeSince, updatedAt: at };
}

export function pilotTeamIds(program: Program): string[] {
  return program.teams.filter((t) => t.role === "pilot").map((t) => t.teamId);
}
