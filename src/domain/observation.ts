import { z } from "zod";
import { findBehaviour } from "./impact-chain.js";
import type { Program } from "./program.js";
import { isManager, isMember, type Team } from "./team.js";
import { entraIdSchema, idSchema, isoDateTimeSchema, parseWith, textSchema } from "./validation.js";

/** A manager's rating of one member on one behaviour's rubric. */
export const observationSchema = z.object({
  id: idSchema,
  tenantId: entraIdSchema,
  programId: idSchema,
  teamId: idSchema,
  managerObjectId: entraIdSchema,
  memberObjectId: entraIdSchema,
  behaviourId: idSchema,
  /** Index into the behaviour's rubric levels, lowest first. */
  levelIndex: z.number().int().min(0, "must be 0 or more"),
  note: textSchema.default(""),
  observedAt: isoDateTimeSchema,
  /** The checklist card it came from, when it came from one. */
  deliveryId: idSchema.nullable().default(null),
});

export type Observation = z.output<typeof observationSchema>;
export type ObservationInput = z.input<typeof observationSchema>;

export function parseObservation(input: unknown): Observation {
  return parseWith(observationSchema, input, "observation");
}

/** Rules that need the program and team: returns what is wrong, empty when the observation fits. */
export function observationProblems(observation: Observation, program: Program, team: Team): string[] {
  const problems: string[] = [];
  if (observation.programId !== program.id) problems.push("programId: does not match the program");
  if (!program.teams.some((t) => t.teamId === team.id)) problems.push(`teamId: team ${team.id} is not in the program`);
  if (observation.teamId !== team.id) problems.push("teamId: does not match the team");
  if (!isManager(team, observation.managerObjectId)) problems.push("managerObjectId: is not the team's manager");
  if (!isMember(team, observation.memberObjectId)) problems.push("memberObjectId: is not a member of the team");
  const behaviour = findBehaviour(program.chain, observation.behaviourId);
  if (!behaviour) problems.push(`behaviourId: ${observation.behaviourId} is not a behaviour of the program`);
  else if (observation.levelIndex >= behaviour.rubric.levels.length)
    problems.push(`levelIndex: must be below ${behaviour.rubric.levels.length} (the rubric's levels)`);
  return problems;
}
