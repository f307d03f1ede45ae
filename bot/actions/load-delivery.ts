import type { AssetKind } from "../../src/domain/index.js";
import { personIn } from "../cards/index.js";
import type { Actor, BotServices, LoadedDelivery } from "./action-context.js";

/**
 * Reads the delivery from the actor's own partition, so a delivery id of anyone else's is simply not
 * found, and then what its card was built from. Undefined when any of it is missing.
 */
export async function loadDelivery(
  services: BotServices,
  actor: Actor,
  deliveryId: string,
): Promise<LoadedDelivery | undefined> {
  const { storage } = services;
  const found = await storage.deliveries.get(actor.tenantId, actor.objectId, deliveryId);
  if (!found) return undefined;
  const delivery = found.value;
  const [asset, program, team] = await Promise.all([
    storage.assets.get(actor.tenantId, delivery.programId, delivery.assetId),
    storage.programs.get(actor.tenantId, delivery.programId),
    storage.teams.get(actor.tenantId, delivery.teamId),
  ]);
  if (!asset || !program || !team) return undefined;
  const timeZone = personIn(team.value, actor.objectId)?.timeZone ?? "UTC";
  return { delivery, etag: found.etag, asset: asset.value, program: program.value, team: team.value, timeZone };
}

/** Which asset kinds each verb answers; a verb on any other kind of card is a forged or stale submit. */
export const kindsByVerb: Record<string, readonly AssetKind[]> = {
  "challenge.done": ["micro_challenge"],
  "challenge.skip": ["micro_challenge"],
  "guide.done": ["talk_track", "conversation_guide"],
  "checklist.submit": ["observation_checklist"],
  "nudge.respond": ["nudge"],
  "skills.submit": ["skills_check"],
};
