import { z } from "zod";
import { entraIdSchema, idSchema, isoDateTimeSchema, parseWith } from "./validation.js";

/** A learner's scored skills check, taken before (pre) or after (post) the program. */
export const skillsCheckResultSchema = z
  .object({
    tenantId: entraIdSchema,
    deliveryId: idSchema,
    programId: idSchema,
    assetId: idSchema,
    learnerObjectId: entraIdSchema,
    phase: z.enum(["pre", "post"], "must be pre or post"),
    answers: z.array(z.number().int().min(0, "must be 0 or more")).max(20),
    score: z.number().int().min(0, "must be 0 or more"),
    maxScore: z.number().int().min(1, "must be 1 or more"),
    at: isoDateTimeSchema,
  })
  .refine((r) => r.score <= r.maxScore, { path: ["score"], message: "must not exceed maxScore" });

export type SkillsCheckResult = z.output<typeof skillsCheckResultSchema>;

export function parseSkillsCheckResult(input: unknown): SkillsCheckResult {
  return parseWith(skillsCheckResultSchema, input, "skills-check result");
}
