import { z } from "zod";
import { entraIdSchema, idSchema, isoDateTimeSchema, parseWith } from "./validation.js";

/** A learner's answer to a practice or reflection nudge, with how confident they feel (1–5). */
export const nudgeResponseSchema = z.object({
  tenantId: entraIdSchema,
  deliveryId: idSchema,
  programId: idSchema,
  assetId: idSchema,
  learnerObjectId: entraIdSchema,
  response: z.string().trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters"),
  confidence: z.number().int().min(1, "must be 1 to 5").max(5, "must be 1 to 5"),
  at: isoDateTimeSchema,
});

export type NudgeResponse = z.output<typeof nudgeResponseSchema>;

export function parseNudgeResponse(input: unknown): NudgeResponse {
  return parseWith(nudgeResponseSchema, input, "nudge response");
}
