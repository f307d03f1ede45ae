import type { ConversationInput } from "../../src/domain/index.js";
import type { Actor, BotServices } from "../actions/index.js";
import type { AdaptiveCardJson } from "../cards/index.js";

export interface BotSettings {
  /** Deep link that opens the app's personal tab in Teams. */
  tabUrl: string;
  /** The privacy minimum (PRIVACY_MIN_GROUP_SIZE), as in the tab: no share stands on fewer people. */
  minGroupSize?: number;
}

export interface CommandContext {
  services: BotServices;
  settings: BotSettings;
  actor: Actor;
  /** How to reach the person, from the activity, in case Teams never told us at install. */
  conversation: ConversationInput;
  displayName: string;
}

/** A card to send back; `onSent` learns the sent message's id (to update the card in place later). */
export interface CommandReply {
  card: AdaptiveCardJson;
  summary: string;
  onSent?: (activityId: string) => Promise<void>;
}

export type CommandHandler = (context: CommandContext, argument: string) => Promise<CommandReply[]>;
