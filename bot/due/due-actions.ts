import { z } from "zod";
import { idSchema } from "../../src/domain/index.js";
import { ConcurrencyError } from "../../src/storage/index.js";
import { type Actor, type BotServices, handleCardAction, loadDelivery, rejections } from "../actions/index.js";
import {
  type AdaptiveCardJson,
  CardTooLargeError,
  errorCard,
  renderDeliveryCard,
  type TextColor,
} from "../cards/index.js";
import type { CommandReply } from "../commands/command-context.js";
import { completeVerbOf, dueListCard } from "./due-list.js";

export const dueVerbs = ["due.open", "due.done"] as const;
export type DueVerb = (typeof dueVerbs)[number];

export function isDueVerb(verb: unknown): verb is DueVerb {
  return typeof verb === "string" && (dueVerbs as readonly string[]).includes(verb);
}

/** What a click on the due list leads to. */
export interface DueActionResult {
  /** The list again, refreshed, in place of the one clicked. */
  card: AdaptiveCardJson;
  /** New messages: the item's own card, opened again. */
  send: CommandReply[];
  /** The item's card where it was first sent, answered from the list: updated in place to its new state. */
  update?: { conversationId: string; activityId: string; card: AdaptiveCardJson };
}

const dueData = z.looseObject({ verb: z.string().max(64), deliveryId: idSchema });

/**
 * "Open" sends the item's card again (the same renderer as the scheduled send), backed by the same delivery,
 * so answering it records exactly once; "Mark done" / "Mark as used" runs the card's own action. The delivery
 * must be in the actor's own partition, so a delivery id of anyone else's is simply not found.
 */
export async function handleDueAction(
  services: BotServices,
  actor: Actor,
  tabUrl: string,
  verb: string | undefined,
  data: unknown,
): Promise<DueActionResult> {
  const parsed = dueData.safeParse(data);
  if (!parsed.success || !isDueVerb(parsed.data.verb) || (verb !== undefined && verb !== parsed.data.verb))
    return { card: rejections.malformed().card, send: [] };
  const listWith = async (text: string, color: TextColor) => ({
    card: await dueListCard(services, actor, tabUrl, { text, color }),
    send: [],
  });
  const loaded = await loadDelivery(services, actor, parsed.data.deliveryId);
  if (!loaded) return listWith("That item is not yours, or it no longer exists.", "Attention");
  const { delivery, asset } = loaded;

  if (parsed.data.verb === "due.open") {
    if (delivery.status !== "sent") return listWith(`"${asset.title}" is no longer open.`, "Default");
    return {
      card: await dueListCard(services, actor, tabUrl),
      send: [openAgain(services, loaded)],
    };
  }

  const completeVerb = completeVerbOf(asset.kind);
  if (!completeVerb) return listWith(`"${asset.title}" needs your answers: open it to fill it in.`, "Attention");
  const result = await handleCardAction(services, actor, completeVerb, { verb: completeVerb, deliveryId: delivery.id });
  if (result.outcome === "rejected") return listWith(`"${asset.title}" can no longer be marked done.`, "Attention");
  return {
    card: await dueListCard(services, actor, tabUrl, {
      text: result.outcome === "recorded" ? `Done: ${asset.title}` : `"${asset.title}" was already done.`,
      color: "Good",
    }),
    send: [],
    update:
      result.outcome === "recorded" && delivery.activityId && delivery.conversationId
        ? { conversationId: delivery.conversationId, activityId: delivery.activityId, card: result.card }
        : undefined,
  };
}

/** The item's card as a new message; the delivery then points at it, so later updates land on the newest copy. */
function openAgain(services: BotServices, loaded: Awaited<ReturnType<typeof loadDelivery>> & object): CommandReply {
  const { delivery, asset, team, program } = loaded;
  try {
    const { card, summary } = renderDeliveryCard(delivery, asset, { team, program });
    return {
      card,
      summary,
      onSent: async (activityId) => {
        const current = await services.storage.deliveries.get(
          delivery.tenantId,
          delivery.recipientObjectId,
          delivery.id,
        );
        if (!current) return;
        await services.storage.deliveries
          .save({ ...current.value, activityId }, current.etag)
          .catch((error: unknown) => {
            if (!(error instanceof ConcurrencyError)) throw error;
          });
      },
    };
  } catch (error) {
    if (!(error instanceof CardTooLargeError)) throw error;
    return {
      summary: "Card too large",
      card: errorCard(
        `${team.name} is too large for one card`,
        "Teams limits a card to 28 KB; this one would be larger.",
        "Ask your L&D admin to target fewer behaviours, or split the team.",
      ),
    };
  }
}
