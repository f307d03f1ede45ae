import { z } from "zod";
import { idSchema } from "../../src/domain/index.js";
import type { ActionHandler, ActionInput, ActionResult, Actor, BotServices } from "./action-context.js";
import { acknowledgeGuide, answerChallenge } from "./challenge-actions.js";
import { recordChecklist } from "./checklist-action.js";
import { isAnswerable } from "./complete-delivery.js";
import { answerNudge, submitSkillsCheck } from "./learner-actions.js";
import { kindsByVerb, loadDelivery } from "./load-delivery.js";
import { rejections } from "./rejections.js";

/** One handler per card verb. */
export const actionHandlers: Record<string, ActionHandler> = {
  "challenge.done": answerChallenge,
  "challenge.skip": answerChallenge,
  "guide.done": acknowledgeGuide,
  "checklist.submit": recordChecklist,
  "nudge.respond": answerNudge,
  "skills.submit": submitSkillsCheck,
};

const submitSchema = z.looseObject({ verb: z.string().max(64), deliveryId: idSchema });

/**
 * Handles an Action.Execute (verb + data) or an Action.Submit (data carries the verb). The actor comes
 * from the verified activity; card data only names a delivery, which must be in the actor's own
 * partition. Anything malformed, foreign or stale gets an error card and writes nothing.
 */
export async function handleCardAction(
  services: BotServices,
  actor: Actor,
  verb: string | undefined,
  data: unknown,
): Promise<ActionResult> {
  const parsed = submitSchema.safeParse(data);
  if (!parsed.success) return rejections.malformed();
  const { deliveryId, verb: dataVerb, ...fields } = parsed.data;
  const chosen = verb ?? dataVerb;
  if (verb !== undefined && verb !== dataVerb) return rejections.malformed();
  const handler = Object.hasOwn(actionHandlers, chosen) ? actionHandlers[chosen] : undefined;
  if (!handler) return rejections.malformed();

  const loaded = await loadDelivery(services, actor, deliveryId);
  if (!loaded) return rejections.notYours();
  if (!kindsByVerb[chosen]?.includes(loaded.asset.kind)) return rejections.malformed();
  if (!isAnswerable(loaded.delivery)) return rejections.notAnswerable(loaded.delivery.status);
  const input: ActionInput = { verb: chosen, deliveryId, fields };
  return handler(services, actor, loaded, input);
}
