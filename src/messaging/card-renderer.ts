import type { Asset, Delivery, Program, Team } from "../domain/index.js";
import type { OutboundCard } from "./messenger.js";

/** What a delivery's card needs besides the delivery and its asset. */
export interface DeliveryCardContext {
  /** The delivery's team: its members are a checklist's rows, and its people's time zones date the card. */
  team: Team;
  /** The delivery's program: behaviours (with rubrics) and the schedule entry (a skills check's phase). */
  program: Program;
}

/**
 * The one function that turns a delivery into the card its recipient gets. The bot implements it; the
 * delivery pipeline sends what it returns and the builder's preview shows it, so the two cannot differ.
 */
export type DeliveryCardRenderer = (delivery: Delivery, asset: Asset, context: DeliveryCardContext) => OutboundCard;

/** Teams refuses a message whose card is larger than this. */
export const MAX_CARD_BYTES = 28 * 1024;

export class CardTooLargeError extends Error {
  constructor(
    /** The card's template, or another name for what was rendered. */
    readonly template: string,
    readonly bytes: number,
  ) {
    super(`the ${template} card is ${bytes} bytes; Teams accepts at most ${MAX_CARD_BYTES}`);
    this.name = "CardTooLargeError";
  }
}
