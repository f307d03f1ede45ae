import { z } from "zod";
import { entraIdSchema, idSchema, localeSchema, nameSchema, parseWith, timeZoneSchema } from "./validation.js";

/** A person as Teams knows them: Entra object id, name, and where and how they read. */
export const personSchema = z.strictObject({
  objectId: entraIdSchema,
  displayName: nameSchema,
  timeZone: timeZoneSchema,
  locale: localeSchema.default("en-US"),
});

export type Person = z.output<typeof personSchema>;

export const teamSchema = z
  .strictObject({
    id: idSchema,
    tenantId: entraIdSchema,
    name: nameSchema,
    manager: personSchema,
    members: z.array(personSchema).max(200, "must have at most 200 members"),
  })
  .superRefine((team, ctx) => {
    const seen = new Set<string>([team.manager.objectId]);
    team.members.forEach((member, i) => {
      if (seen.has(member.objectId)) {
        const message =
          member.objectId === team.manager.objectId ? "must not be the team's manager" : "must not repeat a member";
        ctx.addIssue({ code: "custom", path: ["members", i, "objectId"], message });
      }
      seen.add(member.objectId);
    });
  });

export type Team = z.output<typeof teamSchema>;
export type TeamInput = z.input<typeof teamSchema>;

export function parseTeam(input: unknown): Team {
  return parseWith(teamSchema, input, "team");
}

export function isMember(team: Team, objectId: string): boolean {
  return team.members.some((m) => m.objectId === objectId.toLowerCase());
}

export function isManager(team: Team, objectId: string): boolean {
  return team.manager.objectId === objectId.toLowerCase();
}
