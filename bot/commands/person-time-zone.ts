import type { Actor, BotServices } from "../actions/index.js";
import { personIn } from "../cards/index.js";

/** The person's time zone as their team records it; UTC when they are in no team. */
export async function timeZoneOf(services: BotServices, actor: Actor): Promise<string> {
  const memberships = await services.storage.teams.teamsOf(actor.tenantId, actor.objectId);
  for (const membership of memberships) {
    const team = await services.storage.teams.get(actor.tenantId, membership.teamId);
    const person = team && personIn(team.value, actor.objectId);
    if (person) return person.timeZone;
  }
  return "UTC";
}
