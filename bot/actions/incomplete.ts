import { type AdaptiveCardJson, renderDeliveryCard } from "../cards/index.js";
import type { ActionResult, LoadedDelivery } from "./action-context.js";

/** The same card again with what to fix on top: the person keeps the form instead of losing it. */
export function askAgain(loaded: LoadedDelivery, problem: string): ActionResult {
  const { card } = renderDeliveryCard(loaded.delivery, loaded.asset, { team: loaded.team, program: loaded.program });
  const body = Array.isArray(card.body) ? card.body : [];
  const banner = { type: "TextBlock", text: `⚠️ ${problem}`, color: "Attention", weight: "Bolder", wrap: true };
  return { outcome: "incomplete", card: { ...card, body: [banner, ...body] } as AdaptiveCardJson };
}
