import { z } from "zod";
import { idSchema, nameSchema, textSchema, uniqueList } from "./validation.js";

/** Ordered from lowest to highest; the last level counts as "adopted". */
export const rubricSchema = z.strictObject({
  levels: z
    .array(nameSchema)
    .min(2, "must have at least 2 levels")
    .max(5, "must have at most 5 levels")
    .refine((levels) => new Set(levels).size === levels.length, "must not repeat a level"),
});

export type Rubric = z.output<typeof rubricSchema>;

export const skillSchema = z.strictObject({
  id: idSchema,
  name: nameSchema,
  description: textSchema.default(""),
});

export type Skill = z.output<typeof skillSchema>;

/** An observable behaviour: supported by skills, rated on a rubric, expected to move metrics. */
export const behaviourSchema = z.strictObject({
  id: idSchema,
  name: nameSchema,
  skillIds: uniqueList(idSchema).min(1, "must name at least one skill"),
  rubric: rubricSchema,
  kpiIds: uniqueList(idSchema).min(1, "must name at least one metric it should move"),
});

export type Behaviour = z.output<typeof behaviourSchema>;

/** skills → behaviours → metrics */
export const impactChainSchema = z
  .strictObject({
    skills: z.array(skillSchema).max(50, "must have at most 50 skills"),
    behaviours: z.array(behaviourSchema).max(50, "must have at most 50 behaviours"),
  })
  .superRefine((chain, ctx) => {
    const skillIds = new Set<string>();
    chain.skills.forEach((skill, i) => {
      if (skillIds.has(skill.id))
        ctx.addIssue({ code: "custom", path: ["skills", i, "id"], message: "must be unique" });
      skillIds.add(skill.id);
    });
    const behaviourIds = new Set<string>();
    chain.behaviours.forEach((behaviour, i) => {
      if (behaviourIds.has(behaviour.id))
        ctx.addIssue({ code: "custom", path: ["behaviours", i, "id"], message: "must be unique" });
      behaviourIds.add(behaviour.id);
      behaviour.skillIds.forEach((skillId, j) => {
        if (!skillIds.has(skillId))
          ctx.addIssue({
            code: "custom",
            path: ["behaviours", i, "skillIds", j],
            message: `must name a skill of this program (no skill ${skillId})`,
          });
      });
    });
  });

export type ImpactChain = z.output<typeof impactChainSchema>;

/** The rubric's top level is the one that counts as adoption. */
export function isTopLevel(rubric: Rubric, levelIndex: number): boolean {
  return levelIndex === rubric.levels.length - 1;
}

export function findBehaviour(chain: ImpactChain, behaviourId: string): Behaviour | undefined {
  return chain.behaviours.find((b) => b.id === behaviourId);
}
