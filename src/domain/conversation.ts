import { z } from "zod";
import { entraIdSchema, isoDateTimeSchema, parseWith, timeZoneSchema } from "./validation.js";

/**
 * Where the bot can reach a person: the personal-chat conversation that Teams gave it at install.
 * Uninstalling (or Teams answering 403/404) marks it unreachable; re-installing makes it reachable again.
 */
export const conversationSchema = z.object({
  tenantId: entraIdSchema,
  objectId: entraIdSchema,
  conversationId: z.string().min(1, "must not be empty").max(500),
  serviceUrl: z.url("must be a URL"),
  /** The bot's own id in the conversation (28:…); Teams needs it on proactive sends. */
  botId: z.string().max(200).default(""),
  reachable: z.boolean().default(true),
  /**
   * Since when the person has been reachable: the install (or re-install) that made them so. Slots before it
   * were never sendable, so they take no place in that day's cap. Null on rows from before this was kept.
   */
  reachableSince: isoDateTimeSchema.nullable().default(null),
  /** Why it is unreachable, read plainly in the delivery report ("removed the app on 3 Dec", "Teams refused: …"). */
  unreachableReason: z.string().max(500).nullable().default(null),
  /** The person asked for a break ("pause 7 days"); nothing is delivered before this instant. */
  pausedUntil: isoDateTimeSchema.nullable().default(null),
  /** The IANA zone the person's Teams client reported (its clientInfo entity); a roster's fallback. */
  timeZone: timeZoneSchema.nullable().optional(),
  updatedAt: isoDateTimeSchema,
});

export type Conversation = z.output<typeof conversationSchema>;
export type ConversationInput = z.input<typeof conversationSchema>;

export function parseConversation(input: unknown): Conversation {
  return parseWith(conversationSchema, input, "conversation");
}

/** Whether a card may go to this person at `at`. */
export function canDeliverTo(conversation: Conversation, at: Date): boolean {
  return (
    conversation.reachable &&
    (conversation.pausedUntil === null || Date.parse(conversation.pausedUntil) <= at.getTime())
  );
}
