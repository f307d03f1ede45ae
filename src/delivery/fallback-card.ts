import type { Asset, Delivery, Program, Team } from "../domain/index.js";
import type { OutboundCard } from "../messaging/index.js";

/** What a delivery's card is rendered from besides the delivery and its asset. */
export interface DeliveryCardContext {
  team: Team;
  program: Program;
}

export type DeliveryCardRenderer = (delivery: Delivery, asset: Asset, context: DeliveryCardContext) => OutboundCard;

/** The asset's words as plain text, whatever its kind. */
function textOf(asset: Asset): string {
  switch (asset.kind) {
    case "micro_challenge":
      return asset.content.task;
    case "talk_track":
      return [asset.content.intro, ...asset.content.steps].filter(Boolean).join("\n\n");
    case "conversation_guide":
      return [asset.content.opening, ...asset.content.questions, asset.content.closing].filter(Boolean).join("\n\n");
    case "observation_checklist":
      return asset.content.instructions || "Rate each member of your team on this week's behaviours.";
    case "nudge":
      return asset.content.prompt;
    case "skills_check":
      return `${asset.content.questions.length} questions`;
  }
}

/**
 * The plain card for an asset without a template of its own: its title and its text. The bot's templated
 * cards replace it where one exists.
 */
export const renderFallbackCard: DeliveryCardRenderer = (delivery, asset, context) => ({
  summary: `${context.program.name}: ${asset.title}`,
  card: {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body: [
      { type: "TextBlock", text: asset.title, weight: "Bolder", size: "Medium", wrap: true },
      { type: "TextBlock", text: textOf(asset), wrap: true },
      { type: "TextBlock", text: context.program.name, isSubtle: true, size: "Small", wrap: true },
    ],
    metadata: { deliveryId: delivery.id },
  },
});
