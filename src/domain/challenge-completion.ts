import { z } from "zod";
import { entraIdSchema, idSchema, isoDateTimeSchema, parseWith, textSchema } from "./validation.js";

/** A manager's answer to a micro-challenge: done or skipped, with an optional reflection. */
export const challengeCompletionSchema = z.object({
  tenantId: entraIdSchema,
  deliveryId: idSchema,
  programId: idSchema,
  assetId: idSchema,
  teamId: idSchema,
  managerObjectId: entraIdSchema,
  outcome: z.enum(["done", "skipped"], "must be done or skipped"),
  reflection: textSchema.default(""),
  at: isoDateTimeSchema,
});

export type ChallengeCompletion = z.output<typeof challengeCompletionSchema>;

export function parseChallengeCompletion(input: unknown): ChallengeCompletion {
  return parseWith(challengeCompletionSchema, input, "challenge completion");
}
