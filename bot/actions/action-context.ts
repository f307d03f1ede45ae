import type { Asset, Delivery, Program, Team } from "../../src/domain/index.js";
import type { Storage } from "../../src/storage/index.js";
import type { AdaptiveCardJson } from "../cards/index.js";

/** Who acts, from the activity's verified identity (never from card data). */
export interface Actor {
  tenantId: string;
  objectId: string;
}

export interface BotServices {
  storage: Storage;
  now: () => Date;
}

/** What a card action led to; the card replaces the one that was clicked. */
export interface ActionResult {
  outcome: "recorded" | "unchanged" | "incomplete" | "rejected";
  card: AdaptiveCardJson;
}

/** A delivery of the actor's, with everything its card was built from. */
export interface LoadedDelivery {
  delivery: Delivery;
  etag: string;
  asset: Asset;
  program: Program;
  team: Team;
  timeZone: string;
}

/** The checked submit: verb and delivery from card data, every other field still untrusted. */
export interface ActionInput {
  verb: string;
  deliveryId: string;
  fields: Record<string, unknown>;
}

export type ActionHandler = (
  services: BotServices,
  actor: Actor,
  loaded: LoadedDelivery,
  input: ActionInput,
) => Promise<ActionResult>;
