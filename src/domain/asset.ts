import { z } from "zod";
import {
  entraIdSchema,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  parseWith,
  textSchema,
  uniqueList,
} from "./validation.js";

const lineSchema = z.string().trim().min(1, "must not be empty").max(1000, "must be at most 1000 characters");

const skillsCheckQuestionSchema = z
  .strictObject({
    id: idSchema,
    text: lineSchema,
    options: z.array(lineSchema).min(2, "must offer at least 2 options").max(6, "must offer at most 6 options"),
    correctIndex: z.number().int().min(0, "must be 0 or more"),
  })
  .refine((q) => q.correctIndex < q.options.length, {
    path: ["correctIndex"],
    message: "must point at one of the options",
  });

/** What each kind of asset says; the card templates render these. */
const contentByKind = {
  micro_challenge: z.strictObject({ task: lineSchema, reflectionPrompt: textSchema.default("") }),
  talk_track: z.strictObject({ intro: textSchema.default(""), steps: z.array(lineSchema).min(1, "must have a step") }),
  conversation_guide: z.strictObject({
    opening: lineSchema,
    questions: z.array(lineSchema).min(1, "must have a question"),
    closing: textSchema.default(""),
  }),
  observation_checklist: z.strictObject({ instructions: textSchema.default("") }),
  nudge: z.strictObject({
    prompt: lineSchema,
    style: z.enum(["practice", "reflection"], "must be practice or reflection"),
  }),
  skills_check: z.strictObject({
    questions: z
      .array(skillsCheckQuestionSchema)
      .min(1, "must have a question")
      .max(20, "must have at most 20 questions"),
  }),
} as const;

export type AssetKind = keyof typeof contentByKind;

const common = {
  id: idSchema,
  tenantId: entraIdSchema,
  programId: idSchema,
  title: nameSchema,
  behaviourIds: uniqueList(idSchema).min(1, "must name at least one behaviour"),
  updatedAt: isoDateTimeSchema,
};

export const assetSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ ...common, kind: z.literal("micro_challenge"), content: contentByKind.micro_challenge }),
    z.strictObject({ ...common, kind: z.literal("talk_track"), content: contentByKind.talk_track }),
    z.strictObject({ ...common, kind: z.literal("conversation_guide"), content: contentByKind.conversation_guide }),
    z.strictObject({
      ...common,
      kind: z.literal("observation_checklist"),
      content: contentByKind.observation_checklist,
    }),
    z.strictObject({ ...common, kind: z.literal("nudge"), content: contentByKind.nudge }),
    z.strictObject({ ...common, kind: z.literal("skills_check"), content: contentByKind.skills_check }),
  ],
  { error: `must be one of ${Object.keys(contentByKind).join(", ")}` },
);

export type Asset = z.output<typeof assetSchema>;
export type AssetOf<K extends AssetKind> = Extract<Asset, { kind: K }>;

export function parseAsset(input: unknown): Asset {
  return parseWith(assetSchema, input, "asset");
}

export { audienceOf } from "./program-defaults.js";

/** Scores answers (one option index per question, in order); unanswered or out-of-range counts as wrong. */
export function scoreSkillsCheck(
  asset: AssetOf<"skills_check">,
  answers: number[],
): { score: number; maxScore: number } {
  const questions = asset.content.questions;
  const score = questions.filter((q, i) => answers[i] === q.correctIndex).length;
  return { score, maxScore: questions.length };
}
